package org.elasticsearch.plugins;

import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Loads plugins that are already on the classpath, the way Elasticsearch's test framework does,
 * instead of from a distribution's modules/ folder. Descriptors come from the plugin jars.
 */
public class ClasspathPluginsService extends PluginsService {
    private final List<LoadedPlugin> classpathPlugins;

    public ClasspathPluginsService(Environment environment, Map<String, Class<? extends Plugin>> pluginClasses) {
        super(environment.settings(), environment.configDir(), PluginsLoader.createPluginsLoader(Set.of(), Set.of(), Map.of(), false));
        List<LoadedPlugin> loaded = new ArrayList<>();
        for (Map.Entry<String, Class<? extends Plugin>> entry : pluginClasses.entrySet()) {
            Class<? extends Plugin> pluginClass = entry.getValue();
            PluginDescriptor descriptor = readDescriptor(entry.getKey(), pluginClass);
            loaded.add(new LoadedPlugin(descriptor, instantiate(pluginClass, environment.settings()), pluginClass.getClassLoader()));
        }
        this.classpathPlugins = List.copyOf(loaded);
        loadExtensions(classpathPlugins);
    }

    @Override
    protected List<LoadedPlugin> plugins() {
        return classpathPlugins;
    }

    private static PluginDescriptor readDescriptor(String name, Class<? extends Plugin> pluginClass) {
        String resource = "/META-INF/es-plugins/" + name + "/" + PluginDescriptor.INTERNAL_DESCRIPTOR_FILENAME;
        try (InputStream in = pluginClass.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("plugin descriptor " + resource + " not found next to " + pluginClass.getName());
            }
            return PluginDescriptor.readInternalDescriptorFromStream(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Plugin instantiate(Class<? extends Plugin> pluginClass, Settings settings) {
        try {
            try {
                return pluginClass.getConstructor(Settings.class).newInstance(settings);
            } catch (NoSuchMethodException e) {
                return pluginClass.getConstructor().newInstance();
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot instantiate plugin " + pluginClass.getName(), e);
        }
    }
}
