package local.newsevents.es;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.elasticsearch.index.analysis.AbstractIndexAnalyzerProvider;
import org.elasticsearch.index.analysis.Analysis;
import org.elasticsearch.index.analysis.AnalyzerProvider;
import org.elasticsearch.index.analysis.PreBuiltAnalyzerProviderFactory;
import org.elasticsearch.indices.analysis.AnalysisModule.AnalysisProvider;
import org.elasticsearch.indices.analysis.PreBuiltCacheFactory.CachingStrategy;
import org.elasticsearch.plugins.AnalysisPlugin;
import org.elasticsearch.plugins.Plugin;

import java.util.List;
import java.util.Map;

/**
 * Registers Lucene's EnglishAnalyzer (possessives, stop words, Porter stemming) under the name
 * "english", as a stock distribution's analysis-common module does. That module is not published
 * to Maven Central, so without this the local node would reject mappings that a production
 * cluster accepts. Both uses work: "analyzer": "english" on a field, and an index-level analyzer
 * of "type": "english" with "stopwords" / "stem_exclusion".
 */
public class EnglishAnalysisPlugin extends Plugin implements AnalysisPlugin {
    public static final String NAME = "english";

    @Override
    public Map<String, AnalysisProvider<AnalyzerProvider<? extends Analyzer>>> getAnalyzers() {
        return Map.of(NAME, (indexSettings, environment, name, settings) -> {
            CharArraySet stopWords = Analysis.parseStopWords(environment, settings, EnglishAnalyzer.getDefaultStopSet());
            CharArraySet stemExclusion = Analysis.parseStemExclusion(settings, CharArraySet.EMPTY_SET);
            EnglishAnalyzer analyzer = new EnglishAnalyzer(stopWords, stemExclusion);
            return new AbstractIndexAnalyzerProvider<EnglishAnalyzer>(name) {
                @Override
                public EnglishAnalyzer get() {
                    return analyzer;
                }
            };
        });
    }

    @Override
    public List<PreBuiltAnalyzerProviderFactory> getPreBuiltAnalyzerProviderFactories() {
        // Shared by every index, like the other built-in analyzers.
        return List.of(new PreBuiltAnalyzerProviderFactory(NAME, CachingStrategy.LUCENE, EnglishAnalyzer::new));
    }
}
