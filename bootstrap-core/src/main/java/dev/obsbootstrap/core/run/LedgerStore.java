package dev.obsbootstrap.core.run;

/** Where the ledger lives: a ConfigMap in the stack namespace ({@link ConfigMapLedgerStore}), or memory in tests. */
public interface LedgerStore {
    LedgerState read();

    void write(LedgerState state);
}
