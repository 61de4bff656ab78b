/** Developer tools: the GPU check mains and the bench loops; not part of the library. */
module dev.tensorseal.devtools {
    requires dev.tensorseal.core;
    requires dev.tensorseal.vectors;
    exports dev.tensorseal.devtools.gpu;
    exports dev.tensorseal.devtools.bench;
}
