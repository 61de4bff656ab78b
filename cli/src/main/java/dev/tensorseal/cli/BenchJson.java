package dev.tensorseal.cli;

import dev.tensorseal.devtools.bench.EngineLoops;
import java.io.StringWriter;
import java.util.Locale;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.PrettyPrinter;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.util.MinimalPrettyPrinter;

/**
 * {@code bench --json}: the report as one JSON object on one line, {@code "name": value, ...}, written with Jackson's
 * generator. Field names and order are the bench's published interface (BENCHMARKS.md, scripts): rates in GB/s and
 * times in ms or us as the names say, four decimals.
 */
final class BenchJson {
    private static final JsonFactory FACTORY = new JsonFactory();

    /** One line with a space after each colon and comma, as the hand-written JSON before this had. */
    private static final class OneLine extends MinimalPrettyPrinter {
        private static final long serialVersionUID = 1L;

        @Override
        public void writeObjectNameValueSeparator(JsonGenerator g) {
            g.writeRaw(": ");
        }

        @Override
        public void writeObjectEntrySeparator(JsonGenerator g) {
            g.writeRaw(", ");
        }
    }

    private static final ObjectWriteContext CONTEXT = new ObjectWriteContext.Base() {
        @Override
        public PrettyPrinter getPrettyPrinter() {
            return new OneLine();
        }

        @Override
        public boolean hasPrettyPrinter() {
            return true;
        }
    };

    private final JsonGenerator g;

    private BenchJson(JsonGenerator g) {
        this.g = g;
    }

    static String toJson(BenchReport r) {
        StringWriter text = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(CONTEXT, text)) {
            g.writeStartObject();
            new BenchJson(g).write(r);
            g.writeEndObject();
        }
        return text.toString();
    }

    private void write(BenchReport r) {
        BenchReport.Setup s = r.setup();
        integer("size_bytes", s.sizeBytes());
        integer("chunk_bytes", s.chunkBytes());
        integer("threads", s.threads());
        integer("cpus", s.cpus());
        g.writeStringProperty("jdk", s.jdk());
        number("warm_up_ms", s.warmUpMillis());
        r.local().ifPresentOrElse(l -> local(l, r.remote()), () -> remote(r.remote()));
        r.plot().ifPresent(p -> g.writeStringProperty("plot", p.toString()));
    }

    private void local(BenchReport.Local l, RemoteBench.Figures remote) {
        number("raw_jce_seal_gbps", l.raw().sealGbps());
        number("raw_jce_open_gbps", l.raw().openGbps());
        number("raw_jce_gbps", l.raw().bestGbps());
        number("bc_gbps", l.bcGbps());
        BenchReport.Engines e = l.engines();
        g.writeStringProperty("engine", e.defaultEngine());
        g.writeStringProperty("engine_implementation", e.defaultImplementation());
        e.ossl().ifPresent(o -> g.writeStringProperty("ossl_engine", o));
        for (EngineLoops.EngineFigures f : e.loops()) {
            number(f.engine() + "_engine_native_seal_gbps", f.sealGbps());
            number(f.engine() + "_engine_native_open_gbps", f.openGbps());
            number(f.engine() + "_chunk_open_us", f.chunkOpenMicros());
            if (f.engine().equals(e.defaultEngine())) {
                number("chunk_open_us", f.chunkOpenMicros());
            }
        }
        StoreBench.Figures st = l.store();
        number("seal_gbps", st.one().sealGbps());
        number("unseal_gbps", st.one().unsealGbps());
        number("close_gbps", st.one().closeGbps());
        // The first seal and read of the run: fresh memory for the ciphertext and for the view (later rounds replace
        // the tensor and reuse both, see SECURITY.md).
        number("fresh_seal_gbps", st.one().freshSealGbps());
        number("fresh_unseal_gbps", st.one().freshUnsealGbps());
        number("slice_read_us", st.sliceReadMicros());
        number("chunk_read_us", st.chunkReadMicros());
        number("save_gbps", st.saveGbps());
        number("parallel_seal_gbps", st.all().sealGbps());
        number("parallel_unseal_gbps", st.all().unsealGbps());
        for (StoreBench.OtherEngine o : st.otherEngines()) {
            number(o.engine() + "_seal_gbps", o.sealGbps());
            number(o.engine() + "_unseal_gbps", o.unsealGbps());
        }
        number("overhead_ratio", st.fileOverheadRatio());
        number("store_overhead_ratio", st.storeOverheadRatio());
        number("verify_gbps", st.verifyGbps());
        number("file_unseal_gbps", st.fileUnsealGbps());
        number("file_unseal_ratio", st.fileUnsealRatio());
        integer("verify_threads", st.verifyThreads());
        remote(remote);
        BenchReport.Cold c = l.cold();
        number("cold_unseal_gbps", c.defaultEngine().coldUnsealGbps());
        number("cold_warm_up_ms", c.defaultEngine().warmUpMillis());
        number("cold_file_warm_unseal_gbps", c.defaultEngine().fileWarmUnsealGbps());
        integer("cold_bytes", c.bytes());
        for (BenchColdChild.Figures o : c.others()) {
            number(o.engine() + "_cold_unseal_gbps", o.coldUnsealGbps());
        }
        number("unseal_ratio", l.unsealRatio());
        number("seal_ratio", l.sealRatio());
        number("parallel_speedup", l.parallelSpeedup());
        number("cold_ratio", l.coldRatio(c.defaultEngine()));
        for (BenchColdChild.Figures o : c.others()) {
            number(o.engine() + "_cold_ratio", l.coldRatio(o));
        }
        number("slice_to_chunk_ratio", l.sliceToChunkRatio());
        number("slice_to_chunk_read_ratio", l.sliceToChunkReadRatio());
        number("verify_ratio", l.verifyRatio());
    }

    private void remote(RemoteBench.Figures r) {
        number("remote_load_gbps", r.loadGbps());
        number("remote_plain_gbps", r.plainGbps());
        number("remote_ratio", r.ratio());
        number("remote_load_no_readahead_gbps", r.noReadAheadGbps());
        number("remote_load_cpu_s", r.loadCpuSeconds());
        number("remote_plain_cpu_s", r.plainCpuSeconds());
        number("remote_load_no_readahead_cpu_s", r.noReadAheadCpuSeconds());
        integer("remote_concurrency", r.concurrency());
        number("remote_first_tensor_ms", r.remoteFirstTensorMillis());
        number("local_first_tensor_ms", r.localFirstTensorMillis());
    }

    private void number(String name, double v) {
        g.writeName(name);
        g.writeNumber(String.format(Locale.ROOT, "%.4f", v)); // four decimals, as the bench has always printed
    }

    private void integer(String name, long v) {
        g.writeNumberProperty(name, v);
    }
}
