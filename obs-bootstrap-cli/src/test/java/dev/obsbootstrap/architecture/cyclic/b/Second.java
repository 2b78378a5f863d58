package dev.obsbootstrap.architecture.cyclic.b;

import dev.obsbootstrap.architecture.cyclic.a.First;

/** The other half of the deliberate cycle. */
public final class Second {
    public First back() {
        return new First();
    }
}
