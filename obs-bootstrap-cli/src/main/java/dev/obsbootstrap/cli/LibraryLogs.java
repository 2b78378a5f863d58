package dev.obsbootstrap.cli;

import dev.obsbootstrap.core.console.Redactor;
import java.io.PrintStream;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * The libraries' own logs. fabric8, jinjava, Vert.x and Netty log through SLF4J, which slf4j-jdk14 sends to
 * java.util.logging; without {@code --debug} they stay silent (the Console is the only voice; a closed Netty event
 * loop after an API server outage would otherwise print a 45-line SEVERE stack trace). With {@code --debug} they
 * appear on stderr as {@code library: LOGGER: message}, fabric8's at debug level, the others from info up, each line
 * through the standard redaction rules (a token or password in a library's message is masked).
 */
final class LibraryLogs extends Handler {
    /** java.util.logging keeps loggers only weakly: a level set on one nobody holds is lost at the next GC. */
    private static final Logger FABRIC8 = Logger.getLogger("io.fabric8");

    private final PrintStream err;
    private final SimpleFormatter formatter = new SimpleFormatter();

    private LibraryLogs(PrintStream err) {
        this.err = err;
    }

    static void configure(boolean debug, PrintStream err) {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        root.setLevel(debug ? Level.INFO : Level.OFF);
        FABRIC8.setLevel(null);
        if (debug) {
            FABRIC8.setLevel(Level.FINE);
            root.addHandler(new LibraryLogs(err));
        }
    }

    @Override
    public void publish(LogRecord record) {
        if (!isLoggable(record)) {
            return;
        }
        String message = formatter.formatMessage(record);
        StringBuilder line = new StringBuilder("library: ")
                .append(record.getLoggerName())
                .append(": ")
                .append(message);
        if (record.getThrown() != null) {
            line.append(" (").append(record.getThrown()).append(')');
        }
        err.println(Redactor.standard().redact(line.toString()));
    }

    @Override
    public void flush() {
        err.flush();
    }

    @Override
    public void close() {
        flush();
    }
}
