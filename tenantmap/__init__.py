"""tenantmap."""
