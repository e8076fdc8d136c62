// Turns keyval values into JSON that keeps their types, so tests and benchmarks can compare two devices
// exactly: a Date stays distinguishable from its ISO string, a Blob keeps its MIME type and bytes.
//   Date       → { "$date": "2026-11-22T01:02:03.000Z" }
//   Blob       → { "$blob": { "type": "image/png", "base64": "iVBO…" } }
//   Uint8Array / ArrayBuffer → { "$bytes": "…base64…" }
//   undefined  → { "$undefined": true }
// Everything else is plain JSON.

function base64(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export async function toTagged(value) {
  if (value === undefined) return { $undefined: true };
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return { $date: value.toISOString() };
  if (typeof Blob !== 'undefined' && value instanceof Blob) {
    return { $blob: { type: value.type, base64: base64(new Uint8Array(await value.arrayBuffer())) } };
  }
  if (value instanceof ArrayBuffer) return { $bytes: base64(new Uint8Array(value)) };
  if (ArrayBuffer.isView(value)) return { $bytes: base64(new Uint8Array(value.buffer, value.byteOffset, value.byteLength)) };
  if (Array.isArray(value)) return Promise.all(value.map(toTagged));
  const out = {};
  for (const [k, v] of Object.entries(value)) out[k] = await toTagged(v);
  return out;
}
