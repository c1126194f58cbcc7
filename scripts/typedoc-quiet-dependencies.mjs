// A TypeDoc plugin: drops warnings about comments inside node_modules.
//
// TypeDoc 0.28 reads Redux Toolkit's own .d.ts comments where our exports have
// RTK types (action creators), and warns about their `@inheritdoc` tags even
// with `suppressCommentWarningsInDeclarationFiles` (that check misses this
// warning). Those comments are not ours to fix, and with `treatWarningsAsErrors`
// they would fail every run. Warnings about our own sources still fail it.
const IN_DEPENDENCY = /(^|[\s/])\.?\/?node_modules\//;

/** @param {import('typedoc').Application} app */
export function load(app) {
  const warn = app.logger.warn.bind(app.logger);
  app.logger.warn = (message, ...rest) => {
    if (typeof message === 'string' && IN_DEPENDENCY.test(message)) return;
    warn(message, ...rest);
  };
}
