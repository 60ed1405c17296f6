/** The `clean:` section of dq.yml as the base options of dq clean (flags override it). */
import { ConfigError, DqError } from '../errors.js';

export async function cleanBaseFromConfig(configFlag: string | false | undefined) {
  if (configFlag === false) return undefined;
  const { loadConfig } = await import('../config/index.js');
  const loaded = await loadConfig(configFlag ?? null, process.cwd());
  if (!loaded || loaded.config.clean === undefined) return undefined;
  const { cleanOptionsFromConfig } = await import('../clean/options.js');
  try {
    return cleanOptionsFromConfig(loaded.config.clean);
  } catch (e) {
    if (e instanceof DqError) {
      const pos = loaded.config.cleanPos;
      throw new ConfigError(e.message, loaded.file, pos?.line, pos?.column);
    }
    throw e;
  }
}
