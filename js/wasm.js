// Holds the wasm instance; each runtime entry says once how to get the compiled module.
// Named imports, not a namespace: bundlers then drop the glue's unused async loaders.
import { checkAttachments, DirectMail, initSync, parseDeliveryEvent, parseReply, regions, renderTemplate, signCall, signRpcRequest } from '../pkg/aliyun_dm.js';

/** The glue's class and wrappers over the wasm exports: what the core API calls. */
const glue = Object.freeze({ checkAttachments, DirectMail, parseDeliveryEvent, parseReply, regions, renderTemplate, signCall, signRpcRequest });

let load;
let ready = false;
let memory;

/** Called by a runtime entry with a function returning a WebAssembly.Module or the wasm bytes. */
export function setWasmSource(loader) {
  load = loader;
}

/** Instantiates the wasm once; later calls return the same instance. */
export function instantiateWith(module) {
  if (!ready) {
    // initSync returns the raw instance exports; the glue's wrappers are what we call.
    ({ memory } = initSync({ module }));
    ready = true;
  }
  return glue;
}

/** The initialised glue exports; compiles on first use, so importing the package costs no compile. */
export function wasm() {
  if (ready) return glue;
  if (!load) {
    throw new Error('aliyun-dm: the wasm is not initialised; import a runtime entry, or await init() from "./init" first');
  }
  return instantiateWith(load());
}

/** The wasm linear memory's size in bytes (0 before first use), for tests and benchmarks. */
export const wasmMemoryBytes = () => memory?.buffer.byteLength ?? 0;
