import { loadConfig } from '../config/config.js';
import { metricsAccess } from './metrics-access.js';

const TOKEN = 'Zq8Lm3Xv7Pw2Rt6Yk1Hb5Nc9Dj4Fg0SaEuIoWy';

describe('metricsAccess', () => {
  it('asks for the bearer token when METRICS_TOKEN is set', () => {
    const config = loadConfig({ METRICS_TOKEN: TOKEN });
    expect(metricsAccess(config, `Bearer ${TOKEN}`)).toBe('allowed');
    expect(metricsAccess(config, undefined)).toBe('unauthorized');
    expect(metricsAccess(config, `Bearer ${TOKEN}x`)).toBe('unauthorized');
    expect(metricsAccess(config, TOKEN)).toBe('unauthorized');
  });

  it('is open in development and off in production without METRICS_TOKEN', () => {
    expect(metricsAccess(loadConfig({}), undefined)).toBe('allowed');
    const production = { ...loadConfig({}), env: 'production' as const };
    expect(metricsAccess(production, undefined)).toBe('off');
    expect(metricsAccess(production, 'Bearer anything')).toBe('off');
  });
});
