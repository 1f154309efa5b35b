"""Analyses over the graph: internet exposure and reach, tenants, findings, diff, report."""
