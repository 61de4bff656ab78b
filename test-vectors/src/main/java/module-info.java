/** Published test vectors and their typed loaders. */
module dev.tensorseal.vectors {
    requires tools.jackson.core;
    exports dev.tensorseal.vectors;
}
