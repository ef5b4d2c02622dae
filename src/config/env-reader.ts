export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

/** Typed accessors over a string map that collect every problem, naming the variable, before failing once. */
export class Reader {
  readonly problems: string[] = [];
  constructor(private readonly source: Record<string, string | undefined>) {}

  fail(name: string, message: string): void {
    this.problems.push(`${name} ${message}`);
  }

  private raw(name: string): string | undefined {
    const value = this.source[name]?.trim();
    return value === '' ? undefined : value;
  }

  str(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  required(name: string): string {
    const value = this.raw(name);
    if (value === undefined) this.fail(name, 'is required');
    return value ?? '';
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      this.fail(name, `must be an integer from ${min} to ${max} (got "${value}")`);
      return fallback;
    }
    return n;
  }

  bool(name: string, fallback: boolean): boolean {
    const value = this.raw(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(value)) return true;
    if (['0', 'false', 'no', 'off'].includes(value)) return false;
    this.fail(name, `must be true or false (got "${value}")`);
    return fallback;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(value)) {
      this.fail(name, `must be one of ${allowed.join(', ')} (got "${value}")`);
      return fallback;
    }
    return value as T;
  }

  url(name: string, fallback: string): string {
    return this.optionalUrl(name) ?? fallback;
  }

  optionalUrl(name: string): string | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    try {
      new URL(value);
      return value.replace(/\/+$/, '');
    } catch {
      this.fail(name, `must be a URL (got "${value}")`);
      return undefined;
    }
  }

  list(name: string, fallback: string[]): string[] {
    const value = this.raw(name);
    return value === undefined
      ? fallback
      : value
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
  }
}

export function parseEnv<T>(source: Record<string, string | undefined>, build: (r: Reader) => T): T {
  const reader = new Reader(source);
  const result = build(reader);
  if (reader.problems.length) throw new ConfigError(reader.problems);
  return result;
}
