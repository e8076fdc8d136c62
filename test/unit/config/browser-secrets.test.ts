/**
 * The settings module in real Chromium: real IndexedDB (structured clone of CryptoKeys), real WebCrypto, a
 * real address bar and a real reload. The page is served at https://www.typingmind.com by request routing,
 * so nothing listens on a port and the origin is the one users have.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../support/browser';
import { repoRoot } from '../../support/demo-server';
import { FIXTURES_DIR } from '../../support/fixture-bucket';

const ORIGIN = 'https://www.typingmind.com';
const vectors = JSON.parse(
  readFileSync(join(FIXTURES_DIR, 'crypto-vectors', 'vectors-from-original.json'), 'utf8'),
) as { password: string; items: { name: string; objectBase64: string }[]; credential: { stored: string } };
const PASSWORD = vectors.password;
const SECRET_KEY = 'wJalr+XUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

let browser: Browser;
let cleanup: () => void;
let script: string;

beforeAll(async () => {
  const out = await build({
    stdin: {
      contents:
        "import * as config from './config';\nimport { decryptJson, deriveHashKey, keyedHash, obfuscateCredential } from './crypto';\n" +
        '(window as any).tcsTest = { ...config, decryptJson, deriveHashKey, keyedHash, obfuscateCredential };',
      resolveDir: `${repoRoot}/src`,
      loader: 'ts',
    },
    bundle: true,
    format: 'iife',
    target: 'es2020',
    write: false,
  });
  script = out.outputFiles[0].text;
  ({ browser, cleanup } = await launchChromium());
});

afterAll(async () => {
  await browser?.close();
  cleanup?.();
});

async function newPage(): Promise<Page> {
  const context = await browser.newContext();
  await context.route(`${ORIGIN}/**`, (route) =>
    route.fulfill({ contentType: 'text/html', body: `<!doctype html><title>TypingMind</title><script>${script}</script>` }),
  );
  return context.newPage();
}

/** Runs loadConfig in the page and returns a serialisable summary. */
function loadInPage(page: Page) {
  return page.evaluate(async (vector) => {
    const t = (window as any).tcsTest;
    const c = await t.loadConfig({ localStorage, indexedDB, location, history });
    const bytes = Uint8Array.from(atob(vector), (ch) => ch.charCodeAt(0));
    return {
      configured: c.configured,
      problems: c.problems,
      s3: c.s3,
      logging: c.logging,
      href: location.href,
      extractable: c.keys && [c.keys.contentKey.extractable, c.keys.hashKey.extractable],
      decrypted: c.keys ? await t.decryptJson(c.keys.contentKey, bytes, 'items/x.json').catch((e: Error) => e.name) : null,
    };
  }, vectors.items.find((v) => v.name === 'json-fixed-iv-deflated')!.objectBase64);
}

/** Every localStorage value and every IndexedDB value of our database, flattened to text (bytes as latin1 and UTF-16). */
function scanInPage(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const parts: string[] = [];
    for (let i = 0; i < localStorage.length; i++) parts.push(localStorage.key(i)!, localStorage.getItem(localStorage.key(i)!)!);
    const leaves = (v: unknown): void => {
      if (typeof v === 'string') parts.push(v);
      else if (v instanceof CryptoKey) parts.push(`CryptoKey(extractable=${v.extractable})`);
      else if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) {
        const b = v instanceof ArrayBuffer ? new Uint8Array(v) : new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
        parts.push(String.fromCharCode(...b), new TextDecoder('utf-16le').decode(b.byteLength % 2 ? b.subarray(1) : b));
      } else if (v && typeof v === 'object') Object.values(v).forEach(leaves);
    };
    for (const info of await indexedDB.databases()) {
      const db = await new Promise<IDBDatabase>((res) => {
        const r = indexedDB.open(info.name!);
        r.onsuccess = () => res(r.result);
      });
      for (const store of Array.from(db.objectStoreNames)) {
        const all = await new Promise<unknown[]>((res) => {
          const r = db.transaction(store).objectStore(store).getAll();
          r.onsuccess = () => res(r.result);
        });
        all.forEach(leaves);
      }
      db.close();
    }
    return parts.join('\n');
  });
}

describe('settings and secrets in Chromium', () => {
  it("takes over the original's settings, keeps no plaintext secret, and still works after a reload", async () => {
    const page = await newPage();
    await page.goto(`${ORIGIN}/`);
    await page.evaluate(
      ({ password, stored, secret }) => {
        const t = (window as any).tcsTest;
        localStorage.setItem('tcs_storagetype', 's3');
        localStorage.setItem('tcs_aws_bucketname', 'tcs-lab');
        localStorage.setItem('tcs_aws_region', 'us-east-1');
        localStorage.setItem('tcs_aws_accesskey', stored);
        localStorage.setItem('tcs_aws_secretkey', t.obfuscateCredential(secret, password));
        localStorage.setItem('tcs_encryptionkey', password);
        localStorage.setItem('TM_useTheme', '"dark"');
      },
      { password: PASSWORD, stored: vectors.credential.stored, secret: SECRET_KEY },
    );

    const first = await loadInPage(page);
    expect(first).toMatchObject({ configured: true, extractable: [false, false], decrypted: { hello: 'world' } });
    expect(first.s3).toMatchObject({ accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: SECRET_KEY });

    const dump = await scanInPage(page);
    for (const secret of [PASSWORD, SECRET_KEY, 'AKIAIOSFODNN7EXAMPLE', 'enc::']) expect(dump).not.toContain(secret);
    expect(dump).toContain('CryptoKey(extractable=false)');
    expect(dump).toContain('TM_useTheme');

    await page.reload();
    const again = await loadInPage(page);
    expect(again).toMatchObject({ configured: true, decrypted: { hello: 'world' }, s3: first.s3 });
    await page.context().close();
  });

  it('takes secrets from the address, keeping "+", and removes them from the address bar', async () => {
    const page = await newPage();
    await page.goto(
      `${ORIGIN}/?bucket=tcs-lab&region=auto&accesskey=AK&secretkey=${SECRET_KEY}&encryptionkey=pass+word&log`,
    );
    const c = await loadInPage(page);
    expect(c.href).toBe(`${ORIGIN}/?log=`);
    expect(c).toMatchObject({ configured: true, logging: true, s3: { secretAccessKey: SECRET_KEY } });
    // Keys from "pass+word", not the vectors' password: the original's objects do not open with them.
    expect(c.decrypted).toBe('CloudSyncError');
    const samePassword = await page.evaluate(async () => {
      const t = (window as any).tcsTest;
      const c = await t.loadConfig({ localStorage, indexedDB, location, history });
      return (await t.keyedHash(c.keys.hashKey, 'p')) === (await t.keyedHash(await t.deriveHashKey('pass+word'), 'p'));
    });
    expect(samePassword).toBe(true);
    const dump = await scanInPage(page);
    expect(dump).not.toContain(SECRET_KEY);
    expect(dump).not.toContain('pass+word');
    await page.context().close();
  });
});
