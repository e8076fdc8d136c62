// Types for demo/seed.js (plain JavaScript: the demo page loads it without a build), for the TypeScript that
// shares its pieces (the benchmark's dataset uses the same PRNG).
export function makeRandom(seed: number): () => number;
export function makeId(rand: () => number, length?: number): string;
export function makeMessage(rand: () => number, role: 'user' | 'assistant', at: number): { id: string; role: string; content: string; createdAt: string };
export function makeChat(rand: () => number, options: { id: string; title: string; now: number; messageCount: number }): Record<string, unknown>;
export function makePngBytes(rand: () => number, size: number): Uint8Array;
export function makeSeed(options: { chats: number; rand: () => number; now: number }): {
  keyval: Array<[string, unknown]>;
  localStorage: Array<[string, string]>;
};
