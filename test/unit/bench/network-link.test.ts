import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { LinkQueue, SimulatedNetwork, transferMs } from '../../support/network-link';
import { startS3Proxy, type S3Proxy } from '../../support/s3-proxy';

describe('the simulated network', () => {
  it('takes bytes ÷ bandwidth on a link, and nothing on an unlimited one', () => {
    // 1 MB at 8 Mbit/s is one second.
    expect(transferMs(1_000_000, 8)).toBe(1000);
    expect(transferMs(1_000_000, 0)).toBe(0);
  });

  it('queues transfers on one link behind each other, and starts an idle link at once', () => {
    const link = new LinkQueue(8);
    expect(link.book(1_000_000, 0)).toBe(1000);
    // Sent at 500 ms while the first is still on the link: it waits for it.
    expect(link.book(1_000_000, 500)).toBe(2000);
    // Sent after the link went idle: only its own time.
    expect(link.book(500_000, 5000)).toBe(5500);
  });

  it('charges half a round trip each way, a whole one more for a new connection, and the body on its own link', () => {
    const net = new SimulatedNetwork({ rttMs: 40, upMbit: 8, downMbit: 80 });
    expect(net.requestArrives(0, 1000, false)).toBe(1020);
    expect(net.requestArrives(0, 1000, true)).toBe(1060);
    // 100 KB up at 8 Mbit/s: 100 ms on the uplink, then 20 ms of travel.
    expect(net.requestArrives(100_000, 2000, false)).toBe(2120);
    // The same down at 80 Mbit/s: 10 ms, then 20 ms.
    expect(net.responseArrives(100_000, 3000)).toBe(3030);
  });
});

describe('the counting proxy with a network', () => {
  let proxy: S3Proxy | undefined;
  let upstream: http.Server | undefined;
  afterEach(async () => {
    await proxy?.close();
    await new Promise((r) => upstream?.close(r) ?? r(undefined));
  });

  async function timedGet(endpoint: string, agent: http.Agent): Promise<number> {
    const t0 = performance.now();
    await new Promise<void>((resolve, reject) => {
      http.get(`${endpoint}/b/k`, { agent }, (res) => {
        res.resume();
        res.on('end', () => resolve());
      }).on('error', reject);
    });
    return performance.now() - t0;
  }

  it('delays each request by its round trip and its body by the bandwidth, and not once the network is taken away', async () => {
    const body = Buffer.alloc(50_000, 1);
    upstream = http.createServer((_, res) => res.end(body));
    await new Promise<void>((r) => upstream!.listen(0, '127.0.0.1', r));
    proxy = await startS3Proxy(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}`);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    await timedGet(proxy.endpoint, agent); // opens the connection before the network is set
    // 50 KB down at 4 Mbit/s: 100 ms; round trip 120 ms.
    proxy.setNetwork({ rttMs: 120, upMbit: 0, downMbit: 4 });
    const shaped = await timedGet(proxy.endpoint, agent);
    expect(shaped).toBeGreaterThanOrEqual(215);
    proxy.reset(); // stats go, the network stays
    expect(await timedGet(proxy.endpoint, agent)).toBeGreaterThanOrEqual(215);
    proxy.setNetwork(undefined);
    expect(await timedGet(proxy.endpoint, agent)).toBeLessThan(200);
    agent.destroy();
  });
});
