package dev.obsbootstrap.core.helm;

/** Where {@link ChartResolver} found a chart. */
public enum ChartOrigin {
    /** Under a --charts-dir, unpacked or as a .tgz. */
    CHARTS_DIR,
    /** In the local chart cache from an earlier download. */
    CACHE,
    /** Downloaded from the chart's repository just now (and cached). */
    DOWNLOADED
}
