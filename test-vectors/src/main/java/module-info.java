/** Published test vectors and their typed loaders. */
module dev.tensorseal.vectors {
    exports dev.tensorseal.vectors;
}
