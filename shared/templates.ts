/** Sandbox templates a lesson may ask for; the service has one implementation per name. */
export const TEMPLATE_NAMES = ["shell", "docker"] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];
