package io.tenantmap.neo4jlauncher;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.neo4j.configuration.connectors.ConnectorPortRegister;
import org.neo4j.configuration.connectors.ConnectorType;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.internal.helpers.HostnamePort;
import org.neo4j.kernel.internal.GraphDatabaseAPI;

/**
 * Starts an embedded Neo4j Community DBMS with Bolt on 127.0.0.1 for tests and benchmarks.
 *
 * <p>Usage: {@code java -jar neo4j-launcher.jar --home DIR [--port N] [--password PW]
 * [--conf key=value ...]}. Port 0 (the default) lets the OS pick a free port. Without
 * {@code --password} authentication is disabled; with it the {@code neo4j} user gets that
 * password. When Bolt accepts connections it prints one line
 * {@code NEO4J-LAUNCHER READY bolt://127.0.0.1:PORT} on stdout. It stops cleanly when its
 * standard input closes or on SIGTERM/SIGINT (the shutdown hook), so a parent that dies
 * without cleaning up does not leave a server behind.
 */
public final class Neo4jLauncher {
    public static final String READY = "NEO4J-LAUNCHER READY";

    private Neo4jLauncher() {}

    public static void main(String[] args) throws Exception {
        Path home = null;
        int port = 0;
        String password = null;
        Map<String, String> conf = defaultConfig();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--home" -> home = Path.of(value(args, ++i, arg));
                case "--port" -> port = Integer.parseInt(value(args, ++i, arg));
                case "--password" -> password = value(args, ++i, arg);
                case "--conf" -> {
                    String kv = value(args, ++i, arg);
                    int eq = kv.indexOf('=');
                    if (eq <= 0) {
                        fail("--conf expects key=value, got " + kv);
                    }
                    conf.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
                default -> fail("unknown argument " + arg);
            }
        }
        if (home == null) {
            fail("--home DIR is required (where the databases and logs go)");
        }
        conf.put("server.bolt.listen_address", "127.0.0.1:" + port);
        conf.put("dbms.security.auth_enabled", password == null ? "false" : "true");

        Files.createDirectories(home);
        // The builder takes raw settings only from a file: write one beside the data.
        Path confFile = home.resolve("launcher.conf");
        StringBuilder text = new StringBuilder();
        conf.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        Files.writeString(confFile, text.toString(), StandardCharsets.UTF_8);

        DatabaseManagementService dbms =
                new DatabaseManagementServiceBuilder(home).loadPropertiesFromFile(confFile).build();
        AtomicBoolean stopped = new AtomicBoolean(false);
        Runnable stop = () -> {
            if (stopped.compareAndSet(false, true)) {
                dbms.shutdown();
            }
        };
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "neo4j-launcher-shutdown"));

        if (password != null) {
            // The system database is reachable without auth from inside the process.
            GraphDatabaseService system = dbms.database("system");
            try {
                system.executeTransactionally(
                        "ALTER USER neo4j SET PASSWORD $pw CHANGE NOT REQUIRED", Map.of("pw", password));
            } catch (RuntimeException e) {
                // A restart on the same data folder: the user already has this password.
                if (!String.valueOf(e.getMessage()).contains("cannot be the same")) {
                    throw e;
                }
            }
        }

        GraphDatabaseAPI db = (GraphDatabaseAPI) dbms.database("neo4j");
        HostnamePort bolt = db.getDependencyResolver()
                .resolveDependency(ConnectorPortRegister.class)
                .getLocalAddress(ConnectorType.BOLT);
        PrintStream out = System.out;
        out.println(READY + " bolt://127.0.0.1:" + bolt.getPort());
        out.flush();

        waitForStdinClose(System.in);
        stop.run();
        System.exit(0);
    }

    private static Map<String, String> defaultConfig() {
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("server.bolt.enabled", "true");
        conf.put("server.bolt.tls_level", "DISABLED");
        conf.put("server.http.enabled", "false");
        conf.put("server.https.enabled", "false");
        // Small and quick: a test server, not a production one.
        conf.put("server.memory.pagecache.size", "256m");
        conf.put("db.tx_log.rotation.retention_policy", "1 files");
        conf.put("dbms.usage_report.enabled", "false");
        conf.put("server.directories.import", "import");
        // Stop quickly: a test server has no clients worth waiting for.
        conf.put("internal.server.bolt.connection_shutdown_wait_time", "0s");
        conf.put("internal.server.bolt.thread_pool_shutdown_wait_time", "0s");
        return conf;
    }

    private static void waitForStdinClose(InputStream in) {
        byte[] buffer = new byte[256];
        try {
            while (in.read(buffer) >= 0) {
                // Input is ignored; only its end matters.
            }
        } catch (IOException ignored) {
            // A broken pipe means the parent is gone: stop as well.
        }
    }

    private static String value(String[] args, int i, String name) {
        if (i >= args.length) {
            fail(name + " needs a value");
        }
        return args[i];
    }

    private static void fail(String message) {
        System.err.println("neo4j-launcher: " + message);
        System.exit(2);
    }
}
