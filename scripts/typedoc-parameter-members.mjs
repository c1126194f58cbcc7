// A TypeDoc plugin: requires TSDoc on the members of object types written inside a parameter's type.
//
// TypeDoc's `notDocumented` validation (typedoc.config.mjs `requiredToBeDocumented`) skips everything
// under a parameter, so the members of an options object typed in place — `LockManagerLike.request`'s
// `options`, `StartListeningLike`'s — could lose their docs unnoticed. This check covers them with the
// same member kinds the config requires. Document such a member in place, or with
// `@param options.name - …` in the function's comment. With `treatWarningsAsErrors` a miss fails the run.
import { ReflectionKind } from 'typedoc';

const MEMBER_KINDS = ['Property', 'Method', 'Accessor'];

/** Whether `reflection` sits somewhere inside a parameter's type. */
function insideParameter(reflection) {
  for (let parent = reflection.parent; parent; parent = parent.parent)
    if (parent.kindOf(ReflectionKind.Parameter)) return true;
  return false;
}

/** Whether the member, or one of its signatures, carries a comment. */
function documented(reflection) {
  const signatures = [
    ...(reflection.signatures ?? []),
    ...(reflection.getSignature ? [reflection.getSignature] : []),
    ...(reflection.setSignature ? [reflection.setSignature] : []),
  ];
  return reflection.hasComment() || signatures.some((signature) => signature.hasComment());
}

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.on('validateProject', (project) => {
    if (!app.options.getValue('validation').notDocumented) return;
    const required = app.options
      .getValue('requiredToBeDocumented')
      .filter((kind) => MEMBER_KINDS.includes(kind));
    const kinds = required.reduce((all, kind) => all | ReflectionKind[kind], 0);
    if (kinds === 0) return;
    const packages = app.options.isSet('packagesRequiringDocumentation')
      ? app.options.getValue('packagesRequiringDocumentation')
      : [project.packageName];
    for (const member of project.getReflectionsByKind(kinds)) {
      if (!insideParameter(member) || documented(member)) continue;
      const symbolId = project.getSymbolIdFromReflection(member);
      // Members of types from dependencies (RTK's, inferred into ours) are not ours to document.
      if (!symbolId || !packages.includes(symbolId.packageName)) continue;
      app.logger.validationWarning(
        `${member.getFriendlyFullName()} (${ReflectionKind[member.kind]}, in a parameter's type), defined in ` +
          `${symbolId.packageName}/${symbolId.packagePath}, does not have any documentation: ` +
          'document it in place or with `@param <parameter>.<member> - …`',
      );
    }
  });
}
