/**
 * A simulated network between the browser and the bucket, for the counting proxy (s3-proxy.ts) and so for the
 * benchmark: a round-trip time, and one uplink and one downlink of fixed bandwidth that every request of the
 * device shares. Pure timing arithmetic over a clock the caller passes in: no timers here.
 *
 * The model, and what it leaves out:
 *  - each request costs one round trip (half before the server sees it, half before its answer arrives), plus
 *    one more for a connection's first request (the TCP handshake; TLS is not modelled);
 *  - request bodies queue on the uplink and response bodies on the downlink, first come first served: the
 *    link's total rate is right, although a real link shares itself between transfers instead of serving them
 *    in turn. Headers are not counted (a few hundred bytes a request, well under 1 % of a chat's body);
 *  - the browser's own limit of 6 connections per host over HTTP/1.1 is real (Chromium applies it to the
 *    proxy's address), so parallelism needs no modelling here.
 */

export interface NetworkProfile {
  /** Round-trip time, ms. */
  rttMs: number;
  /** Uplink (browser → bucket), Mbit/s; 0 = unlimited. */
  upMbit: number;
  /** Downlink (bucket → browser), Mbit/s; 0 = unlimited. */
  downMbit: number;
}

/** The "home" profile of issue 16: 40 ms from the bucket, 20 Mbit/s up, 100 Mbit/s down. */
export const HOME_PROFILE: NetworkProfile = { rttMs: 40, upMbit: 20, downMbit: 100 };

/** ms that `bytes` take on a link of `mbit` Mbit/s (0: unlimited). */
export function transferMs(bytes: number, mbit: number): number {
  return mbit > 0 ? (bytes * 8) / (mbit * 1000) : 0;
}

/** One direction of the link: transfers queue behind each other, each taking its bytes ÷ bandwidth. */
export class LinkQueue {
  private freeAt = 0;
  constructor(private readonly mbit: number) {}

  /** Books `bytes` on the link from `now` on; returns when the last byte is through (same clock as `now`). */
  book(bytes: number, now: number): number {
    const start = Math.max(now, this.freeAt);
    this.freeAt = start + transferMs(bytes, this.mbit);
    return this.freeAt;
  }
}

/** The network of one device: its two links and the round trip. */
export class SimulatedNetwork {
  private readonly up: LinkQueue;
  private readonly down: LinkQueue;

  constructor(readonly profile: NetworkProfile) {
    this.up = new LinkQueue(profile.upMbit);
    this.down = new LinkQueue(profile.downMbit);
  }

  /**
   * When a request whose body is `bytes` long, sent at `now`, reaches the server: its body through the uplink,
   * then half a round trip (a whole one more on a new connection, for the handshake).
   */
  requestArrives(bytes: number, now: number, newConnection: boolean): number {
    const handshake = newConnection ? this.profile.rttMs : 0;
    return this.up.book(bytes, now + handshake) + this.profile.rttMs / 2;
  }

  /** When an answer whose body is `bytes` long, ready at `now`, has reached the browser. */
  responseArrives(bytes: number, now: number): number {
    return this.down.book(bytes, now) + this.profile.rttMs / 2;
  }
}
