package dev.obsbootstrap.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ReadMemoTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final ReadMemo memo = new ReadMemo(now::get);
    private final AtomicInteger asked = new AtomicInteger();

    private String read(String question) {
        return memo.answer(question, () -> question + "#" + asked.incrementAndGet());
    }

    @Test
    void theSameQuestionAMomentLaterIsAnsweredWithoutAsking() {
        assertThat(read("list apps/v1 Deployment obs")).isEqualTo("list apps/v1 Deployment obs#1");
        now.addAndGet(ReadMemo.MAX_AGE.toNanos() - 1);

        assertThat(read("list apps/v1 Deployment obs")).isEqualTo("list apps/v1 Deployment obs#1");
        assertThat(read("list apps/v1 Deployment other"))
                .as("another question")
                .isEqualTo("list apps/v1 Deployment other#2");
        assertThat(asked).hasValue(2);
    }

    @Test
    void anAnswerAsOldAsTheMaximumAgeIsReadAgain() {
        read("q");
        now.addAndGet(ReadMemo.MAX_AGE.toNanos());

        assertThat(read("q")).isEqualTo("q#2");
        assertThat(read("q")).as("and the new answer is kept").isEqualTo("q#2");
    }

    @Test
    void theAgeCountsFromBeforeTheRequest() {
        // a slow request: its answer is as old as the moment it was asked, not the moment it came back
        memo.answer("q", () -> {
            now.addAndGet(ReadMemo.MAX_AGE.toNanos() - 10);
            return "slow";
        });
        now.addAndGet(10);

        assertThat(read("q")).isEqualTo("q#1");
    }

    @Test
    void afterForgetEveryQuestionIsAskedAgain() {
        read("a");
        read("b");
        memo.forget();

        assertThat(read("a")).isEqualTo("a#3");
        assertThat(read("b")).isEqualTo("b#4");
    }

    @Test
    void anAnswerReadWhileEverythingWasForgottenIsNotKept() {
        // a write (forget) while a read was on its way: that answer may predate the write
        assertThat(memo.answer("q", () -> {
                    memo.forget();
                    return "before the write";
                }))
                .isEqualTo("before the write");

        assertThat(read("q")).isEqualTo("q#1");
    }

    @Test
    void noAnswerIsRememberedAsSuch() {
        assertThat(memo.<String, RuntimeException>answer("crd gone", () -> {
                    asked.incrementAndGet();
                    return null;
                }))
                .isNull();
        assertThat(memo.<String, RuntimeException>answer("crd gone", () -> "asked again"))
                .isNull();
        assertThat(asked).hasValue(1);
    }

    @Test
    void aFailedReadIsNotRemembered() {
        assertThatThrownBy(() -> memo.answer("q", () -> {
                    throw new IllegalStateException("connection reset");
                }))
                .hasMessage("connection reset");

        assertThat(read("q")).isEqualTo("q#1");
    }
}
