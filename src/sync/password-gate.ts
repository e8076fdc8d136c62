/**
 * The first downloads of a cycle prove the password, when it is not proven yet for this bucket.
 *
 * Why: a password is proven before anything is written (cycle-password.ts) by decrypting one object of the
 * bucket. When the cycle downloads anyway, that was one more request and one more decryption, one after the
 * other before the downloads began (a fresh device's first sync). A download needs no separate proof: it
 * decrypts before it writes, so with a wrong password it writes nothing. So the first `firstWave` downloads run
 * at once and are the proof; the others wait for their verdict, so a wrong password costs at most
 * `firstWave` requests, as before it cost one.
 *
 * The verdict, once every first-wave download has settled (or at the first one that decrypted):
 * - one decrypted: proven; the others go ahead;
 * - none decrypted, some failed as a wrong password: wrong; the others are refused with that error;
 * - none decrypted, none said wrong (missing objects, network): not proven, no sign it is wrong; the others go
 *   ahead. They decrypt before they write too, and the engine takes every download's word, not only the first
 *   wave's: any one decrypted proves it; none did and one said wrong stops the cycle before its other writes;
 *   none said either way, and the engine proves it as a cycle without downloads does (cycle-password.ts, concludeProof).
 */
export type ProofOutcome = 'decrypted' | 'wrong-password' | 'other';

export class PasswordGate {
  private entered = 0;
  private settled = 0;
  private wrongCount = 0;
  private decrypted = false;
  private verdict: 'pending' | 'proven' | 'unproven' | 'wrong' = 'pending';
  private readonly waiters: { resolve(): void; reject(e: unknown): void }[] = [];

  constructor(
    private readonly firstWave: number,
    private readonly wrongPassword: () => Error,
  ) {}

  /**
   * Waits until a download may start. Resolves to true for a first-wave download, which must then `settle`
   * its outcome; to false for the others. Rejects with the wrong-password error once that is the verdict.
   */
  async enter(): Promise<boolean> {
    if (this.verdict === 'pending' && this.entered < this.firstWave) {
      this.entered += 1;
      return true;
    }
    if (this.verdict === 'pending') await new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    if (this.verdict === 'wrong') throw this.wrongPassword();
    return false;
  }

  /**
   * What a download found out about the password: every download's word counts for `proven` and `wrong`; a
   * first-wave one's (`firstWave`, what `enter` answered) also decides whether the others may start.
   */
  settle(outcome: ProofOutcome, firstWave = true): void {
    if (outcome === 'decrypted') this.decrypted = true;
    if (outcome === 'wrong-password') this.wrongCount += 1;
    if (!firstWave) return;
    this.settled += 1;
    if (this.verdict !== 'pending') return;
    if (outcome === 'decrypted') this.decide('proven');
    else if (this.settled >= this.firstWave) this.decide(this.wrongCount > 0 ? 'wrong' : 'unproven');
  }

  /** A download decrypted: the password is right. */
  get proven(): boolean {
    return this.decrypted;
  }

  /** No download decrypted and at least one failed as a wrong password. */
  get wrong(): boolean {
    return !this.decrypted && this.wrongCount > 0;
  }

  private decide(verdict: 'proven' | 'unproven' | 'wrong'): void {
    this.verdict = verdict;
    for (const w of this.waiters.splice(0)) {
      if (verdict === 'wrong') w.reject(this.wrongPassword());
      else w.resolve();
    }
  }
}
