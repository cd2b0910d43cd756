import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { LESSON_SLUG_MAX, lessonSlugSchema } from "../ids";
import { LessonError, loadLessons, parseLesson, stepsNeededBefore } from "./loader";

const valid = `---
title: Hello containers
summary: A short lesson used by the loader tests.
duration: 10
template: shell
steps:
  - id: make-file
    title: Make a file
    check: test -f /tmp/x
    solve: touch /tmp/x
    shortcuts:
      - name: a folder in its place
        script: mkdir /tmp/x
---
Body text.
`;

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(LessonError);
    return (error as Error).message;
  }
  throw new Error("expected a LessonError");
}

describe("parseLesson", () => {
  it("reads slug and order from the file name and validates the frontmatter", () => {
    const lesson = parseLesson("03-hello-containers.mdx", valid);
    expect(lesson.meta).toMatchObject({ slug: "hello-containers", order: 3, title: "Hello containers", duration: 10, template: "shell" });
    expect(lesson.meta.steps.map((s) => s.id)).toEqual(["make-file"]);
    expect(lesson.body.trim()).toBe("Body text.");
  });

  it("names the file and the field that is wrong", () => {
    const message = messageOf(() => parseLesson("04-broken.mdx", valid.replace("duration: 10", "duration: soon")));
    expect(message).toContain("lessons/04-broken.mdx");
    expect(message).toContain("`duration`");
  });

  it("refuses an unknown sandbox template", () => {
    expect(messageOf(() => parseLesson("05-x.mdx", valid.replace("template: shell", "template: mainframe")))).toContain("`template`");
  });

  it("refuses unknown fields, so typos do not pass silently", () => {
    expect(messageOf(() => parseLesson("05-x.mdx", valid.replace("template: shell", "template: shell\ntitel: oops")))).toContain("titel");
  });

  it("refuses the playground's slugs, which name its machines", () => {
    expect(messageOf(() => parseLesson("05-play.mdx", valid))).toContain("playground");
    expect(messageOf(() => parseLesson("05-play-node2.mdx", valid))).toContain("playground");
    expect(parseLesson("05-playing.mdx", valid).meta.slug).toBe("playing");
    expect(messageOf(() => parseLesson("05-registries-node2.mdx", valid))).toContain("machine");
  });

  describe("machines", () => {
    const docker = valid.replace("template: shell", "template: docker\nmachines: 2");
    const twoParts = docker.replace("solve: touch /tmp/x", "solve:\n      - machine: node1\n        script: touch /tmp/y\n      - machine: node2\n        script: touch /tmp/x");

    it("defaults to one machine, and checks on node1", () => {
      const lesson = parseLesson("03-a.mdx", valid);
      expect(lesson.meta.machines).toBe(1);
      expect(lesson.meta.steps[0]!.machine).toBe("node1");
    });

    it("accepts several machines for docker, steps on any of them and solve scripts in parts", () => {
      const lesson = parseLesson("03-a.mdx", twoParts.replace("check: test", "machine: node2\n    check: test"));
      expect(lesson.meta.machines).toBe(2);
      expect(lesson.meta.steps[0]!.machine).toBe("node2");
      expect(lesson.meta.steps[0]!.solve).toEqual([
        { machine: "node1", script: "touch /tmp/y" },
        { machine: "node2", script: "touch /tmp/x" },
      ]);
    });

    it("refuses several machines without the docker template", () => {
      expect(messageOf(() => parseLesson("03-a.mdx", valid.replace("template: shell", "template: shell\nmachines: 2")))).toContain("template: docker");
    });

    it("refuses more machines than the platform gives, and none at all", () => {
      expect(messageOf(() => parseLesson("03-a.mdx", docker, 1))).toContain("PLAYGROUND_MAX_MACHINES=1");
      expect(messageOf(() => parseLesson("03-a.mdx", docker.replace("machines: 2", "machines: 0")))).toContain("`machines`");
    });

    it("refuses a step, a script part or a component naming a machine the lesson does not have", () => {
      expect(messageOf(() => parseLesson("03-a.mdx", docker.replace("check: test", "machine: node3\n    check: test")))).toContain("node3");
      expect(messageOf(() => parseLesson("03-a.mdx", twoParts.replace("machines: 2", "machines: 1")))).toContain("node2");
      expect(messageOf(() => parseLesson("03-a.mdx", `${docker}<Run machine="node3">ls</Run>\n`))).toContain('<Run machine="node3">');
      expect(messageOf(() => parseLesson("03-a.mdx", `${docker}<Editor path="~/x" machine="../x" />\n`))).toContain("names no machine");
      expect(parseLesson("03-a.mdx", `${docker}<Run machine="node2">ls</Run>\n`).meta.machines).toBe(2);
    });
  });

  it("refuses a bad file name", () => {
    expect(messageOf(() => parseLesson("hello.mdx", valid))).toContain("NN-slug.mdx");
  });

  it("takes a slug only as long as a sandbox token's lesson may be, and says so past it", () => {
    const longest = `l${"x".repeat(LESSON_SLUG_MAX - 1)}`;
    expect(parseLesson(`08-${longest}.mdx`, valid).meta.slug).toBe(longest);
    expect(lessonSlugSchema.safeParse(longest).success).toBe(true);
    const message = messageOf(() => parseLesson(`08-${longest}y.mdx`, valid));
    expect(message).toContain(`at most ${LESSON_SLUG_MAX} characters`);
    expect(message).toContain(`has ${LESSON_SLUG_MAX + 1} characters`);
    expect(lessonSlugSchema.safeParse(`${longest}y`).success).toBe(false);
  });

  it("refuses a <Check> of a step the frontmatter does not have", () => {
    expect(messageOf(() => parseLesson("07-x.mdx", valid + '\n<Check step="nope" />\n'))).toContain('<Check step="nope">');
  });

  it("refuses duplicate step ids", () => {
    const twice = valid.replace("steps:\n", "steps:\n  - id: make-file\n    title: Again\n    check: 'true'\n    solve: 'true'\n    shortcuts: [{ name: nothing, script: 'true' }]\n");
    expect(messageOf(() => parseLesson("06-x.mdx", twice))).toContain('"make-file"');
  });
});

describe("shortcuts and alternatives", () => {
  it("reads them, with no alternatives by default", () => {
    const step = parseLesson("03-x.mdx", valid).meta.steps[0]!;
    expect(step.shortcuts).toEqual([{ name: "a folder in its place", script: "mkdir /tmp/x", fresh: false }]);
    expect(step.alternatives).toEqual([]);
    const withAlternative = valid.replace("shortcuts:", "alternatives:\n      - name: with dd\n        script: dd if=/dev/null of=/tmp/x\n    shortcuts:");
    expect(parseLesson("03-x.mdx", withAlternative).meta.steps[0]!.alternatives).toEqual([{ name: "with dd", script: "dd if=/dev/null of=/tmp/x", fresh: false }]);
  });

  it("requires at least one shortcut per step, so every check has been tried as a cheat", () => {
    const none = valid.replace("    shortcuts:\n      - name: a folder in its place\n        script: mkdir /tmp/x\n", "");
    expect(messageOf(() => parseLesson("03-x.mdx", none))).toContain("`steps.0.shortcuts`");
    expect(messageOf(() => parseLesson("03-x.mdx", none.replace("solve: touch /tmp/x", "solve: touch /tmp/x\n    shortcuts: []")))).toContain("at least one shortcut");
  });

  it("refuses a variant without a script, or with a misspelt field", () => {
    expect(messageOf(() => parseLesson("03-x.mdx", valid.replace("script: mkdir /tmp/x", "scrip: mkdir /tmp/x")))).toContain("`steps.0.shortcuts.0");
  });

  it("refuses the same name twice in a step (names tell the tests apart)", () => {
    const twice = valid.replace("shortcuts:", "alternatives:\n      - name: a folder in its place\n        script: touch /tmp/x\n    shortcuts:");
    expect(messageOf(() => parseLesson("03-x.mdx", twice))).toContain('"a folder in its place" is used twice');
  });
});

describe("needs", () => {
  const threeSteps = valid.replace(
    "steps:\n",
    "steps:\n" +
      "  - { id: one, title: One, check: 'true', solve: 'true', shortcuts: [{ name: nothing, script: 'true' }] }\n" +
      "  - { id: two, title: Two, check: 'true', solve: 'true', shortcuts: [{ name: nothing, script: 'true' }], needs: [] }\n",
  );

  it("replays every earlier step by default, only the needed ones (and what they need) when given", () => {
    const steps = parseLesson("03-x.mdx", threeSteps.replace("    solve: touch /tmp/x\n", "    solve: touch /tmp/x\n    needs: [two]\n")).meta.steps;
    expect(stepsNeededBefore(steps, 1)).toEqual([]);
    expect(stepsNeededBefore(steps, 2)).toEqual([1]);
    const byDefault = parseLesson("03-x.mdx", threeSteps).meta.steps;
    expect(stepsNeededBefore(byDefault, 2)).toEqual([0, 1]);
    const chained = parseLesson("03-x.mdx", threeSteps.replace("needs: []", "needs: [one]").replace("    solve: touch /tmp/x\n", "    solve: touch /tmp/x\n    needs: [two]\n")).meta.steps;
    expect(stepsNeededBefore(chained, 2)).toEqual([0, 1]);
  });

  it("refuses a step that needs a later step, itself or one that does not exist", () => {
    expect(messageOf(() => parseLesson("03-x.mdx", threeSteps.replace("needs: []", "needs: [make-file]")))).toContain('"make-file", which is not an earlier step');
    expect(messageOf(() => parseLesson("03-x.mdx", threeSteps.replace("needs: []", "needs: [two]")))).toContain('"two", which is not an earlier step');
    expect(messageOf(() => parseLesson("03-x.mdx", threeSteps.replace("needs: []", "needs: [nope]")))).toContain('"nope"');
  });
});

describe("loadLessons", () => {
  it("loads the course's own lessons in order", async () => {
    const lessons = await loadLessons();
    expect(lessons.length).toBeGreaterThanOrEqual(2);
    expect(lessons.map((l) => l.meta.order)).toEqual([...lessons.map((l) => l.meta.order)].sort((a, b) => a - b));
  });

  it("refuses two lessons with the same slug", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "dojo-lessons-"));
    writeFileSync(path.join(dir, "01-same.mdx"), valid);
    writeFileSync(path.join(dir, "02-same.mdx"), valid);
    await expect(loadLessons(dir)).rejects.toThrow(/slug "same"/);
  });
});
