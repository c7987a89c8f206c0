package sillage.elasticsearch;

import org.apache.logging.log4j.LogManager;
import org.elasticsearch.ElasticsearchException;
import org.elasticsearch.action.DocWriteResponse;
import org.elasticsearch.action.bulk.BulkItemResponse;
import org.elasticsearch.action.bulk.BulkRequest;
import org.elasticsearch.action.delete.DeleteRequest;
import org.elasticsearch.action.search.ClearScrollRequest;
import org.elasticsearch.action.search.SearchRequest;
import org.elasticsearch.action.search.SearchResponse;
import org.elasticsearch.action.search.SearchScrollRequest;
import org.elasticsearch.action.support.IndicesOptions;
import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.common.Strings;
import org.elasticsearch.common.document.DocumentField;
import org.elasticsearch.core.TimeValue;
import org.elasticsearch.index.query.AbstractQueryBuilder;
import org.elasticsearch.index.query.QueryBuilder;
import org.elasticsearch.index.query.QueryBuilders;
import org.elasticsearch.rest.BaseRestHandler;
import org.elasticsearch.rest.RestChannel;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.RestResponse;
import org.elasticsearch.rest.RestStatus;
import org.elasticsearch.search.SearchHit;
import org.elasticsearch.search.builder.SearchSourceBuilder;
import org.elasticsearch.xcontent.XContentBuilder;
import org.elasticsearch.xcontent.XContentParser;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@code POST /{index}/_delete_by_query} done like the reindex module does it: scroll over the matches in _doc order and
 * bulk-delete each batch guarded by seq_no/primary_term, so documents changed meanwhile count as version conflicts.
 * Synchronous only (no task API), no slicing or throttling; the response has the same fields as the real one.
 */
class RestDeleteByQueryHandler extends BaseRestHandler {
    private static final TimeValue SCROLL_KEEP_ALIVE = TimeValue.timeValueMinutes(5);

    @Override
    public String getName() {
        return "delete_by_query_action";
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route(RestRequest.Method.POST, "/{index}/_delete_by_query"));
    }

    @Override
    protected Set<String> responseParams() {
        return Set.of("refresh", "conflicts", "max_docs", "scroll_size", "wait_for_completion", "q", "slices", "timeout",
            "requests_per_second", "scroll", "wait_for_active_shards");
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) throws IOException {
        if (!request.paramAsBoolean("wait_for_completion", true)) {
            throw new IllegalArgumentException("wait_for_completion=false is not supported by the local _delete_by_query");
        }
        Job job = new Job();
        job.indices = Strings.splitStringByCommaToArray(request.param("index"));
        job.abortOnConflict = !"proceed".equals(request.param("conflicts", "abort"));
        job.maxDocs = request.paramAsLong("max_docs", -1);
        job.refresh = request.paramAsBoolean("refresh", false);
        String q = request.param("q");
        QueryBuilder query = q == null ? null : QueryBuilders.queryStringQuery(q);
        if (request.hasContentOrSourceParam()) {
            try (XContentParser parser = request.contentOrSourceParamParser()) {
                parser.nextToken();
                while (parser.nextToken() == XContentParser.Token.FIELD_NAME) {
                    String field = parser.currentName();
                    parser.nextToken();
                    switch (field) {
                        case "query" -> query = AbstractQueryBuilder.parseTopLevelQuery(parser);
                        case "max_docs" -> job.maxDocs = parser.longValue();
                        case "conflicts" -> job.abortOnConflict = !"proceed".equals(parser.text());
                        default -> throw new IllegalArgumentException("[" + field + "] is not supported by the local _delete_by_query");
                    }
                }
            }
        }
        if (query == null) throw new IllegalArgumentException("query is missing");

        job.search = new SearchRequest(job.indices).routing(request.param("routing")).scroll(SCROLL_KEEP_ALIVE)
            .source(new SearchSourceBuilder().query(query).size(request.paramAsInt("scroll_size", 1000))
                .sort("_doc").fetchSource(false).seqNoAndPrimaryTerm(true).trackTotalHits(true));
        job.search.indicesOptions(IndicesOptions.fromRequest(request, job.search.indicesOptions()));
        // blocking calls must not run on the network thread
        return channel -> client.threadPool().generic().execute(() -> job.run(client, channel));
    }

    private static final class Job {
        String[] indices;
        SearchRequest search;
        boolean abortOnConflict;
        boolean refresh;
        long maxDocs;
        long total;
        long deleted;
        long batches;
        long versionConflicts;
        final List<BulkItemResponse.Failure> failures = new ArrayList<>();

        void run(NodeClient client, RestChannel channel) {
            long start = System.nanoTime();
            try {
                deleteAll(client);
                if (refresh) client.admin().indices().prepareRefresh(indices).setIndicesOptions(search.indicesOptions()).get();
                channel.sendResponse(response(channel, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)));
            } catch (Exception e) {
                try {
                    channel.sendResponse(new RestResponse(channel, e));
                } catch (IOException sendFailure) {
                    e.addSuppressed(sendFailure);
                    LogManager.getLogger(RestDeleteByQueryHandler.class).warn("failed to send _delete_by_query error", e);
                }
            }
        }

        private void deleteAll(NodeClient client) {
            SearchResponse page = client.search(search).actionGet();
            String scrollId = page.getScrollId();
            try {
                long remaining = maxDocs < 0 ? Long.MAX_VALUE : maxDocs;
                total = Math.min(page.getHits().getTotalHits().value(), remaining);
                while (page.getHits().getHits().length > 0 && remaining > 0 && failures.isEmpty()) {
                    BulkRequest bulk = new BulkRequest();
                    for (SearchHit hit : page.getHits().getHits()) {
                        if (remaining-- <= 0) break;
                        DeleteRequest delete = new DeleteRequest(hit.getIndex(), hit.getId())
                            .setIfSeqNo(hit.getSeqNo()).setIfPrimaryTerm(hit.getPrimaryTerm());
                        DocumentField routing = hit.field("_routing");
                        if (routing != null) delete.routing(routing.getValue());
                        bulk.add(delete);
                    }
                    batches++;
                    for (BulkItemResponse item : client.bulk(bulk).actionGet().getItems()) count(item);
                    page.decRef();
                    page = client.searchScroll(new SearchScrollRequest(scrollId).scroll(SCROLL_KEEP_ALIVE)).actionGet();
                    scrollId = page.getScrollId();
                }
            } finally {
                page.decRef();
                if (scrollId != null) {
                    ClearScrollRequest clear = new ClearScrollRequest();
                    clear.addScrollId(scrollId);
                    client.clearScroll(clear);
                }
            }
        }

        private void count(BulkItemResponse item) {
            if (!item.isFailed()) {
                if (item.getResponse().getResult() == DocWriteResponse.Result.DELETED) deleted++;
            } else if (item.getFailure().getStatus() == RestStatus.CONFLICT) {
                versionConflicts++;
                if (abortOnConflict) failures.add(item.getFailure());
            } else {
                failures.add(item.getFailure());
            }
        }

        private RestResponse response(RestChannel channel, long tookMillis) throws IOException {
            RestStatus status = RestStatus.OK;
            XContentBuilder body = channel.newBuilder();
            body.startObject()
                .field("took", tookMillis)
                .field("timed_out", false)
                .field("total", total)
                .field("deleted", deleted)
                .field("batches", batches)
                .field("version_conflicts", versionConflicts)
                .field("noops", 0)
                .startObject("retries").field("bulk", 0).field("search", 0).endObject()
                .field("throttled_millis", 0)
                .field("requests_per_second", -1.0)
                .field("throttled_until_millis", 0)
                .startArray("failures");
            for (BulkItemResponse.Failure failure : failures) {
                if (failure.getStatus().getStatus() > status.getStatus()) status = failure.getStatus();
                body.startObject().field("index", failure.getIndex()).field("id", failure.getId()).startObject("cause");
                ElasticsearchException.generateThrowableXContent(body, channel.request(), failure.getCause());
                body.endObject().field("status", failure.getStatus().getStatus()).endObject();
            }
            body.endArray().endObject();
            return new RestResponse(status, body);
        }
    }
}
