package org.elasticsearch.node;

import org.elasticsearch.common.logging.LogConfigurator;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.plugins.ClasspathPluginsService;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.plugins.PluginsLoader;
import org.elasticsearch.plugins.PluginsService;
import org.elasticsearch.transport.netty4.Netty4Plugin;
import local.newsevents.es.EnglishAnalysisPlugin;
import local.newsevents.es.RootInfoPlugin;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a single Elasticsearch node from Maven Central jars: the server plus the transport-netty4
 * plugin loaded from the classpath, as Elasticsearch's own test framework does, and two small
 * plugins of ours standing in for distribution modules: the root endpoint and the english analyzer.
 *
 * Usage: java -Des.path.home=HOME -cp CLASSPATH org.elasticsearch.node.LocalNode
 * HOME/config holds elasticsearch.yml and log4j2.properties; HOME/data and HOME/logs are used.
 */
public final class LocalNode {
    private LocalNode() {}

    public static void main(String[] args) throws Exception {
        Path home = Path.of(System.getProperty("es.path.home", ".")).toAbsolutePath().normalize();
        Path config = home.resolve("config");
        Files.createDirectories(home.resolve("data"));
        Files.createDirectories(home.resolve("logs"));

        LogConfigurator.registerErrorListener();
        Settings initial = Settings.builder()
            .put("path.home", home.toString())
            .put("path.data", home.resolve("data").toString())
            .put("path.logs", home.resolve("logs").toString())
            .build();
        Environment environment = InternalSettingsPreparer.prepareEnvironment(initial, Map.of(), config, () -> "local");
        LogConfigurator.setNodeName(Node.NODE_NAME_SETTING.get(environment.settings()));
        LogConfigurator.configure(environment, true);

        Map<String, Class<? extends Plugin>> plugins = Map.of(
            "transport-netty4", Netty4Plugin.class,
            "root-info", RootInfoPlugin.class,
            "english-analysis", EnglishAnalysisPlugin.class
        );
        NodeServiceProvider services = new NodeServiceProvider() {
            @Override
            PluginsService newPluginService(Environment env, PluginsLoader loader) {
                return new ClasspathPluginsService(env, plugins);
            }
        };
        PluginsLoader emptyLoader = PluginsLoader.createPluginsLoader(java.util.Set.of(), java.util.Set.of(), Map.of(), false);
        Node node = new Node(NodeConstruction.prepareConstruction(environment, emptyLoader, services, true));

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.prepareForClose();
                node.close();
                node.awaitClose(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                e.printStackTrace();
            } finally {
                stopped.countDown();
            }
        }, "local-node-shutdown"));
        node.start();
        stopped.await();
    }
}
