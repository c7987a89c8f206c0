package sillage.elasticsearch;

import org.apache.lucene.analysis.core.KeywordTokenizer;
import org.apache.lucene.analysis.core.UpperCaseFilter;
import org.apache.lucene.analysis.core.WhitespaceTokenizer;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.apache.lucene.analysis.miscellaneous.TrimFilter;
import org.elasticsearch.cluster.node.DiscoveryNodes;
import org.elasticsearch.cluster.service.ClusterService;
import org.elasticsearch.features.NodeFeature;
import org.elasticsearch.index.analysis.PreConfiguredTokenFilter;
import org.elasticsearch.index.analysis.PreConfiguredTokenizer;
import org.elasticsearch.plugins.ActionPlugin;
import org.elasticsearch.plugins.AnalysisPlugin;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.rest.RestHandler;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Minimal replacements for parts of distribution modules that are not published to Maven Central for 9.x: {@code GET|HEAD /} (module rest-root), {@code _delete_by_query} (module reindex) and a few
 * parameterless analysis components of analysis-common. Each is only registered when the real module is absent.
 */
public class StandInModulesPlugin extends Plugin implements ActionPlugin, AnalysisPlugin {
    private static final boolean ANALYSIS_COMMON = onClasspath("org.elasticsearch.analysis.common.CommonAnalysisPlugin");
    private volatile ClusterService clusterService;

    @Override
    public Collection<?> createComponents(PluginServices services) {
        clusterService = services.clusterService();
        return List.of();
    }

    @Override
    public Collection<RestHandler> getRestHandlers(RestHandlersServices services, Supplier<DiscoveryNodes> nodes,
                                                   Predicate<NodeFeature> clusterSupportsFeature) {
        List<RestHandler> handlers = new ArrayList<>();
        if (!onClasspath("org.elasticsearch.rest.root.MainRestPlugin")) handlers.add(new RestRootHandler(() -> clusterService));
        if (!onClasspath("org.elasticsearch.reindex.ReindexPlugin")) handlers.add(new RestDeleteByQueryHandler());
        return handlers;
    }

    // usable by name in custom analyzers and normalizers, e.g. "filter": ["lowercase", "asciifolding"]
    @Override
    public List<PreConfiguredTokenFilter> getPreConfiguredTokenFilters() {
        if (ANALYSIS_COMMON) return List.of();
        return List.of(
            PreConfiguredTokenFilter.singleton("asciifolding", true, ASCIIFoldingFilter::new),
            PreConfiguredTokenFilter.singleton("uppercase", true, UpperCaseFilter::new),
            PreConfiguredTokenFilter.singleton("trim", true, TrimFilter::new));
    }

    @Override
    public List<PreConfiguredTokenizer> getPreConfiguredTokenizers() {
        if (ANALYSIS_COMMON) return List.of();
        return List.of(
            PreConfiguredTokenizer.singleton("keyword", KeywordTokenizer::new),
            PreConfiguredTokenizer.singleton("whitespace", WhitespaceTokenizer::new));
    }

    static boolean onClasspath(String className) {
        try {
            Class.forName(className, false, StandInModulesPlugin.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
