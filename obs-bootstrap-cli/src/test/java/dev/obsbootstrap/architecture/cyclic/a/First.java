package dev.obsbootstrap.architecture.cyclic.a;

import dev.obsbootstrap.architecture.cyclic.b.Second;

/** A deliberate cycle (a -> b -> a) that ArchitectureTest's rules must reject: proof that they can fail. */
public final class First {
    public Second next() {
        return new Second();
    }
}
