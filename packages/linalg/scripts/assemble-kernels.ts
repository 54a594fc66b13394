/**
 * `npm run kernels -w @discern/linalg`: assembles src/wasm/kernels.wat with wabt and writes src/wasm/kernels-wasm.ts
 * (the module as base64, and the sha256 of its source). Run it after every change to kernels.wat; assemble.test.ts
 * fails until then.
 */
import { writeFileSync } from 'node:fs';
import { GENERATED_PATH, assemble, generatedModule, readWat } from '../src/wasm/assemble.test-helpers.js';

const wat = readWat();
const bytes = await assemble(wat);
writeFileSync(GENERATED_PATH, generatedModule(wat, bytes));
console.log(`kernels-wasm.ts: ${bytes.length} bytes of WebAssembly from kernels.wat`);
