// Preload (NODE_OPTIONS=--import) used by `BENCH_PROFILE_DIR=dir npm run bench`:
// records a V8 CPU profile of the app server (remix-serve) and writes it to
// dir/server-<pid>.cpuprofile when the server is told to stop. Other processes
// are left alone. Open the file in Chrome DevTools or speedscope.
import fs from "node:fs";
import inspector from "node:inspector";
import path from "node:path";

const dir = process.env.BENCH_PROFILE_DIR;
if (dir && (process.argv[1] ?? "").includes(`${path.sep}@remix-run${path.sep}serve${path.sep}`)) {
  const session = new inspector.Session();
  session.connect();
  session.post("Profiler.enable");
  session.post("Profiler.setSamplingInterval", { interval: 500 });
  session.post("Profiler.start");
  const write = () => {
    session.post("Profiler.stop", (error, result) => {
      if (error) return;
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, `server-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  };
  process.once("SIGTERM", () => {
    write();
    if (process.listenerCount("SIGTERM") === 0) process.exit(143);
  });
}
