package dev.obsbootstrap.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
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
    void readAheadAsksAtOnceAndTheAnswersAreThenKnown() throws InterruptedException {
        // each read waits for the others: made one after another, they would all time out and nothing be known
        CyclicBarrier together = new CyclicBarrier(ReadMemo.READ_AHEAD_THREADS);
        List<Runnable> reads = new ArrayList<>();
        for (int i = 0; i < ReadMemo.READ_AHEAD_THREADS; i++) {
            String question = "list " + i;
            reads.add(() -> memo.<String, RuntimeException>answer(question, () -> {
                try {
                    together.await(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException("not asked together", e);
                }
                return question + " answered";
            }));
        }

        memo.readAhead(reads);

        for (int i = 0; i < ReadMemo.READ_AHEAD_THREADS; i++) {
            assertThat(memo.<String, RuntimeException>answer("list " + i, () -> "asked again"))
                    .isEqualTo("list " + i + " answered");
        }
    }

    @Test
    void aReadAheadThatFailsIsAskedAgainWhereItIsNeeded() throws InterruptedException {
        memo.readAhead(List.of(() -> memo.answer("q", () -> {
            throw new IllegalStateException("connection reset");
        })));

        assertThat(read("q")).isEqualTo("q#1");
    }

    @Test
    void anErrorInAReadAheadIsNotHidden() {
        assertThatThrownBy(() -> memo.readAhead(List.of(() -> {
                    throw new OutOfMemoryError("simulated");
                })))
                .isInstanceOf(OutOfMemoryError.class)
                .hasMessage("simulated");
    }

    @Test
    void readAheadStopsWhenInterruptedAndStopsItsReads() throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        Runnable endless = () -> {
            started.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                stopped.countDown();
            }
        };
        Thread caller = Thread.currentThread();
        Thread interrupter = new Thread(() -> {
            try {
                started.await();
            } catch (InterruptedException e) {
                return;
            }
            caller.interrupt();
        });
        interrupter.start();

        assertThatThrownBy(() -> memo.readAhead(List.of(endless))).isInstanceOf(InterruptedException.class);
        assertThat(stopped.await(10, TimeUnit.SECONDS))
                .as("the read was interrupted too")
                .isTrue();
        interrupter.join();
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
