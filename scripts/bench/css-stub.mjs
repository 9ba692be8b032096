// Module hook for the benchmark's in-process part: route modules import their
// stylesheets (the Remix compiler turns those into URLs); here they become "".
export async function load(url, context, nextLoad) {
  if (url.endsWith(".css")) return { format: "module", source: 'export default "";', shortCircuit: true };
  return nextLoad(url, context);
}
