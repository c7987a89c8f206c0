package sillage.elasticsearch;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configurator;
import org.elasticsearch.Build;
import org.elasticsearch.common.logging.LogConfigurator;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.node.ClasspathNode;
import org.elasticsearch.node.Node;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.transport.netty4.Netty4Plugin;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs a single-node Elasticsearch for development and tests, built from the Maven Central jars
 * (server + transport-netty4) because no distribution or container is available.
 * <p>
 * Usage: LocalElasticsearch [home-dir]; env SILLAGE_ES_HOME (home dir), SILLAGE_ES_PORT (HTTP port, default 9200),
 * SILLAGE_ES_SETTINGS (more node settings, see {@link #extraSettings()}).
 */
public final class LocalElasticsearch {
    // Modules of the real distribution that are not published for 9.x; picked up if their jars are ever on the classpath.
    private static final Map<String, String> OPTIONAL_MODULES = Map.of( // name -> plugin class
        "analysis-common", "org.elasticsearch.analysis.common.CommonAnalysisPlugin",
        "mapper-extras", "org.elasticsearch.index.mapper.extras.MapperExtrasPlugin",
        "reindex", "org.elasticsearch.reindex.ReindexPlugin",
        "aggregations", "org.elasticsearch.aggregations.AggregationsPlugin",
        "rest-root", "org.elasticsearch.rest.root.MainRestPlugin");
    // where Debian, Ubuntu, Fedora and Arch keep the shared zstd library
    private static final List<String> LIBRARY_DIRS = List.of("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
        "/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib");

    public static void main(String[] args) throws InterruptedException {
        // the log configuration redirects System.out/err into log4j; keep the real stream for our own messages
        PrintStream console = System.out;
        Path home = Path.of(args.length > 0 ? args[0] : env("SILLAGE_ES_HOME", ".local/elasticsearch")).toAbsolutePath().normalize();
        int port = Integer.parseInt(env("SILLAGE_ES_PORT", "9200"));

        Map<String, Class<? extends Plugin>> plugins = plugins();
        Node node;
        try {
            node = start(home, port, plugins);
        } catch (Throwable e) {
            console.println("ERROR: elasticsearch failed to start (home " + home + "): " + e);
            e.printStackTrace(console);
            console.flush();
            Runtime.getRuntime().halt(1); // node threads may already be running; do not wait for them
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(node, console), "elasticsearch-shutdown"));
        console.println("elasticsearch " + Build.current().version() + " started on http://127.0.0.1:" + port
            + " with modules " + plugins.keySet());
        console.flush();
        new CountDownLatch(1).await(); // node threads are daemons; keep the JVM alive until it is signalled
    }

    private static Node start(Path home, int port, Map<String, Class<? extends Plugin>> plugins) throws Exception {
        Settings settings = Settings.builder()
            .put("cluster.name", "sillage-local")
            .put("node.name", "local")
            .put("path.home", home.toString())
            .put("path.data", home.resolve("data").toString())
            .put("path.logs", home.resolve("logs").toString())
            .put("http.host", "127.0.0.1")
            .put("http.port", port)
            .put("transport.host", "127.0.0.1")
            .put("transport.port", "9300-9399") // first free port; the transport is never used by clients
            .put("discovery.type", "single-node")
            // a nearly-full dev disk must not put indices into read-only mode or leave shards unassigned
            .put("cluster.routing.allocation.disk.threshold_enabled", false)
            .put(extraSettings())
            .build();
        Environment environment = new Environment(settings, null);
        configureLogging(environment);
        linkNativeLibraries(home);

        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> {
            LogManager.getLogger(LocalElasticsearch.class).error("uncaught exception in thread [" + thread.getName() + "]", e);
            if (e instanceof VirtualMachineError) Runtime.getRuntime().halt(1);
        });

        Node node = new ClasspathNode(environment, plugins);
        try {
            return node.start();
        } catch (Exception | Error e) {
            try {
                node.close();
            } catch (Exception closeFailure) {
                e.addSuppressed(closeFailure);
            }
            throw e;
        }
    }

    /**
     * Node settings from SILLAGE_ES_SETTINGS, one {@code key=value} per line or separated by ';' (for instance
     * {@code path.repo=/srv/snapshots}); they override the defaults above. Values with ',' become lists.
     */
    static Settings extraSettings() {
        Settings.Builder extra = Settings.builder();
        for (String entry : env("SILLAGE_ES_SETTINGS", "").split("[;\n]")) {
            if (entry.isBlank()) continue;
            int at = entry.indexOf('=');
            if (at <= 0) throw new IllegalArgumentException("SILLAGE_ES_SETTINGS: expected key=value, got [" + entry.strip() + "]");
            String key = entry.substring(0, at).strip();
            String value = entry.substring(at + 1).strip();
            if (value.contains(",")) extra.putList(key, List.of(value.split("\\s*,\\s*")));
            else extra.put(key, value);
        }
        return extra.build();
    }

    private static Map<String, Class<? extends Plugin>> plugins() {
        Map<String, Class<? extends Plugin>> plugins = new LinkedHashMap<>();
        plugins.put("transport-netty4", Netty4Plugin.class); // HTTP and transport
        plugins.put("sillage-stand-ins", StandInModulesPlugin.class); // GET /, _delete_by_query, a few analysis parts
        OPTIONAL_MODULES.forEach((name, className) -> {
            try {
                plugins.put(name, Class.forName(className).asSubclass(Plugin.class));
            } catch (ClassNotFoundException e) {
                // not on the classpath
            }
        });
        return plugins;
    }

    // Same path as the distribution: LogConfigurator reads config/log4j2.properties and sets es.logs.* properties.
    private static void configureLogging(Environment environment) throws Exception {
        LogConfigurator.registerErrorListener();
        Files.createDirectories(environment.configDir());
        try (InputStream config = LocalElasticsearch.class.getResourceAsStream("/log4j2.properties")) {
            Files.copy(config, environment.configDir().resolve("log4j2.properties"), StandardCopyOption.REPLACE_EXISTING);
        }
        LogConfigurator.setNodeName(Node.NODE_NAME_SETTING.get(environment.settings()));
        LogConfigurator.setClusterName(environment.settings().get("cluster.name"));
        LogConfigurator.configure(environment, true);
    }

    /**
     * The distribution ships libzstd and libvec in lib/platform; a missing one disables native access as a whole,
     * and index.codec=best_compression needs zstd. Use the system zstd, and the Java (Panama) vector code instead of libvec.
     */
    private static void linkNativeLibraries(Path home) throws IOException {
        if (System.getProperty("org.elasticsearch.nativeaccess.enableVectorLibrary") == null) {
            System.setProperty("org.elasticsearch.nativeaccess.enableVectorLibrary", "false");
        }
        if (System.getProperty("es.nativelibs.path") != null) return;
        Path dir = home.resolve("native");
        Path link = dir.resolve(System.mapLibraryName("zstd"));
        if (!Files.exists(link)) {
            Files.createDirectories(dir);
            Files.deleteIfExists(link); // a dangling link from another machine
            for (String libraryDir : LIBRARY_DIRS) {
                Path library = Path.of(libraryDir, "libzstd.so.1");
                if (Files.exists(library)) {
                    Files.createSymbolicLink(link, library);
                    break;
                }
            }
        }
        if (Files.exists(link)) {
            System.setProperty("es.nativelibs.path", dir.toString());
        } else {
            LogManager.getLogger(LocalElasticsearch.class).warn("no system libzstd.so.1 found (package libzstd1); native access stays disabled");
        }
    }

    private static void stop(Node node, PrintStream console) {
        try {
            node.prepareForClose();
            node.close();
            if (!node.awaitClose(20, TimeUnit.SECONDS)) console.println("elasticsearch did not close within 20s");
            console.println("elasticsearch stopped");
        } catch (Exception e) {
            console.println("elasticsearch failed to stop cleanly: " + e);
        } finally {
            console.flush();
            Configurator.shutdown((LoggerContext) LogManager.getContext(false));
        }
    }

    private static String env(String name, String defaultValue) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? defaultValue : value;
    }
}
