import { applySettings, DEFAULT_SETTINGS } from '../../../../src/experiments/analysis/settings';
import { type PulseError } from '../../../../src/errors';

describe('analysis settings', () => {
  it('fills in every default and keeps given values', () => {
    expect(applySettings()).toEqual(DEFAULT_SETTINGS);
    expect(applySettings({ alpha: 0.01, method: 'BAYESIAN', priorMean: 0, priorSd: 0.1 })).toEqual({
      ...DEFAULT_SETTINGS,
      alpha: 0.01,
      method: 'BAYESIAN',
      priorMean: 0,
      priorSd: 0.1,
    });
  });

  it.each([
    [{ alpha: 0 }, 'settings.alpha'],
    [{ alpha: 0.6 }, 'settings.alpha'],
    [{ power: 1 }, 'settings.power'],
    // A power of 0.01 at alpha 0.05 made the reported MDE negative.
    [{ power: 0.01 }, 'settings.power'],
    [{ power: 0.49 }, 'settings.power'],
    [{ chanceToWinThreshold: 0.4 }, 'settings.chanceToWinThreshold'],
    [{ sequentialTuningN: 5 }, 'settings.sequentialTuningN'],
    [{ minimumSamplePerVariant: 1.5 }, 'settings.minimumSamplePerVariant'],
    [{ targetRelativeEffect: 0 }, 'settings.targetRelativeEffect'],
    [{ priorMean: 0.1 }, 'settings.priorSd'],
    [{ priorMean: 0, priorSd: -1 }, 'settings.priorSd'],
  ])('refuses %j with BAD_USER_INPUT on %s', (input, field) => {
    expect(() => applySettings(input)).toThrow(
      expect.objectContaining({ code: 'BAD_USER_INPUT', field }) as unknown as PulseError,
    );
  });
});
