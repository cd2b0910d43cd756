import type { ServiceConfig } from "../../../shared/config";
import { TEMPLATE_NAMES, type TemplateName } from "../../../shared/templates";
import { dockerTemplate } from "./docker";
import { shellTemplate } from "./shell";
import type { SandboxTemplate } from "./template";

export type TemplateCatalog = ReadonlyMap<string, SandboxTemplate>;

/** One implementation per name in shared/templates.ts; the type makes a missing one a compile error. */
export function createTemplates(config: ServiceConfig): TemplateCatalog {
  const templates: Record<TemplateName, SandboxTemplate> = {
    shell: shellTemplate(config),
    docker: dockerTemplate(config),
  };
  return new Map(TEMPLATE_NAMES.map((name) => [name, templates[name]]));
}
