/**
 * The physical limit of a phase on a network profile (issue 16): the least time the bytes and round trips it
 * needs could take, whatever the client did. Pure.
 *
 *   limit = max(bytes up ÷ uplink, bytes down ÷ downlink, round trips × RTT ÷ usable parallelism)
 *
 * The up- and downlink are separate pipes, so each direction is its own bound. A browser opens 6 connections
 * per host over HTTP/1.1, so at most 6 round trips overlap. Round trips are the data requests only: a CORS
 * preflight carries nothing a request needs, so the limit does not grant it; `withPreflights` is the limit
 * that would hold if every preflight were unavoidable, for comparison.
 */
import type { NetworkProfile } from '../../test/support/network-link';
import { transferMs } from '../../test/support/network-link';
import type { Traffic } from './types';

/** Connections a browser keeps to one host over HTTP/1.1. */
export const HTTP1_CONNECTIONS_PER_HOST = 6;

export interface PhaseLimit {
  limitMs: number;
  /** The same, with every preflight counted as a round trip too. */
  withPreflightsMs: number;
  /** Which bound decides the limit. */
  bound: 'uplink' | 'downlink' | 'round trips';
}

export function physicalLimit(t: Traffic, net: NetworkProfile, parallelism = HTTP1_CONNECTIONS_PER_HOST): PhaseLimit {
  const up = transferMs(t.bytesUp, net.upMbit);
  const down = transferMs(t.bytesDown, net.downMbit);
  const trips = (n: number) => (n * net.rttMs) / parallelism;
  const bounds: [PhaseLimit['bound'], number][] = [['uplink', up], ['downlink', down], ['round trips', trips(t.requests)]];
  const [bound, limitMs] = bounds.reduce((a, b) => (b[1] > a[1] ? b : a));
  return { limitMs, withPreflightsMs: Math.max(up, down, trips(t.requests + t.preflights)), bound };
}
