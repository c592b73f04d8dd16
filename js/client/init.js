// Entry for any other host: `await init(source)` once, with the wasm as a WebAssembly.Module,
// bytes, a Response or a promise of one; then use the API.
export * from '../api.js';
