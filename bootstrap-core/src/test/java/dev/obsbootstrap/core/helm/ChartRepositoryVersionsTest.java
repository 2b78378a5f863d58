package dev.obsbootstrap.core.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.obsbootstrap.core.config.ChartRef;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The versions a repository offers, read from its index.yaml as helm search repo --versions would list them. */
class ChartRepositoryVersionsTest {
    private final MockWebServer repository = new MockWebServer();
    private final AtomicInteger indexReads = new AtomicInteger();

    @BeforeEach
    void start() throws IOException {
        repository.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                if (request.getTarget().equals("/charts/index.yaml")) {
                    indexReads.incrementAndGet();
                    return new MockResponse.Builder().body("""
                                    apiVersion: v1
                                    entries:
                                      store:
                                        - {name: store, version: 19.0.0, urls: [store-19.0.0.tgz]}
                                        - {name: store, version: 18.11.0, urls: [store-18.11.0.tgz]}
                                      other:
                                        - {name: other, version: 1.0.0, urls: [other-1.0.0.tgz]}
                                    """).build();
                }
                return new MockResponse.Builder().code(404).build();
            }
        });
        repository.start();
    }

    @AfterEach
    void stop() {
        repository.close();
    }

    @Test
    void theIndexListsEveryVersionOfTheChartAndIsReadOncePerRepository() throws IOException {
        ChartRepositoryClient client = ChartRepositoryClient.create();
        String url = repository.url("/charts").toString();

        assertThat(client.versions(new ChartRef(url, "store", "18.11.0"))).containsExactly("19.0.0", "18.11.0");
        assertThat(client.versions(new ChartRef(url, "other", "1.0.0"))).containsExactly("1.0.0");
        assertThat(indexReads).hasValue(1);
    }

    @Test
    void aChartTheIndexDoesNotHaveAndAMissingIndexAreErrorsNamingTheRepository() {
        ChartRepositoryClient client = ChartRepositoryClient.create();
        String url = repository.url("/charts").toString();

        assertThatThrownBy(() -> client.versions(new ChartRef(url, "nope", "1.0.0")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("no chart named 'nope'");
        assertThatThrownBy(() ->
                        client.versions(new ChartRef(repository.url("/gone").toString(), "store", "1.0.0")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("404");
    }
}
