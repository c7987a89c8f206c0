package org.elasticsearch.plugins;

import org.elasticsearch.Build;
import org.elasticsearch.action.admin.cluster.node.info.PluginsAndModules;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Serves plugins that are plain classes on the application classpath, the way the test framework's
 * MockPluginsService does. Lives in this package because LoadedPlugin and loadPlugin are package-private.
 */
public class ClasspathPluginsService extends PluginsService {
    private final List<LoadedPlugin> plugins;
    private final PluginsAndModules info;

    public ClasspathPluginsService(Environment environment, Map<String, Class<? extends Plugin>> pluginClasses) {
        // an empty loader: nothing is read from modules/ or plugins/ on disk
        super(environment.settings(), environment.configDir(), PluginsLoader.createPluginsLoader(Set.of(), Set.of(), Map.of(), false));
        List<LoadedPlugin> loaded = new ArrayList<>();
        List<PluginDescriptor> descriptors = new ArrayList<>();
        String version = Build.current().version();
        pluginClasses.forEach((name, pluginClass) -> {
            var descriptor = new PluginDescriptor(name, "classpath module " + pluginClass.getName(), version, version,
                Integer.toString(Runtime.version().feature()), pluginClass.getName(), null, List.of(),
                false, false, false, false, PluginDescriptor.DeploymentTarget.ALL);
            Plugin plugin = loadPlugin(pluginClass, environment.settings(), environment.configDir());
            loaded.add(new LoadedPlugin(descriptor, plugin, pluginClass.getClassLoader()));
            descriptors.add(descriptor);
        });
        this.plugins = List.copyOf(loaded);
        // reported as modules, which is what they are in a packaged distribution
        this.info = new PluginsAndModules(List.of(), descriptors);
    }

    @Override
    protected List<LoadedPlugin> plugins() {
        return plugins;
    }

    @Override
    public PluginsAndModules info() {
        return info;
    }

    /**
     * All plugins share one class loader here, so SPI lookups would find every provider (e.g. the server's own
     * FeatureSpecifications) once per plugin; keep one instance per implementation class.
     */
    @Override
    public <T> List<? extends T> loadServiceProviders(Class<T> service) {
        Set<Class<?>> seen = new HashSet<>();
        List<T> unique = new ArrayList<>();
        for (T provider : super.loadServiceProviders(service)) {
            if (seen.add(provider.getClass())) unique.add(provider);
        }
        return Collections.unmodifiableList(unique);
    }
}
