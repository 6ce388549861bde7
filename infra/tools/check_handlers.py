"""Checks that every function's Handler in a `sam build` output resolves to a real class and method.

    python infra/tools/check_handlers.py infra/.aws-sam/build/template.yaml --javap "$JAVA_HOME/bin/javap"

For each AWS::Serverless::Function (or AWS::Lambda::Function) of the built template: its code (the jar CodeUri
points at, or the build folder .aws-sam/build/<Function>/) must exist, contain the handler class, and the class -
or a superclass inside the same code - must declare a public method of the handler's name (javap, JDK 25, since
the classes are compiled for Java 25). A function whose module folder does not exist yet, or whose jar was not
built, FAILS: nothing passes silently. Each layer a function names (a Ref to an AWS::Serverless::LayerVersion of
the template) must be a zip with jars under java/lib/ (what Lambda's Java runtimes put on the class path from
/opt/java/lib). Exit status 1 when any function fails.
"""
from __future__ import annotations

import argparse
import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import List, Optional, Tuple

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cfn_template import ROOT_DIR, load_template  # noqa: E402

FUNCTION_TYPES = ("AWS::Serverless::Function", "AWS::Lambda::Function")


class CheckFailure(Exception):
    pass


def code_location(built_template: Path, properties: dict) -> Path:
    code = properties.get("CodeUri", properties.get("Code"))
    if not isinstance(code, str):
        raise CheckFailure(f"CodeUri is {code!r}, not a local path")
    return (built_template.parent / code).resolve()


def class_entries(code: Path) -> Tuple[List[str], Optional[Path]]:
    """Class file names inside the code (a jar, or a build folder of classes and lib/*.jar), plus a classpath
    entry javap can read them from."""
    if code.is_file():
        with zipfile.ZipFile(code) as archive:
            return archive.namelist(), code
    if code.is_dir():
        names = [str(p.relative_to(code)) for p in code.rglob("*.class")]
        return names, code
    raise CheckFailure(f"code {code} does not exist")


def javap_class(javap: str, classpath: Path, class_name: str) -> str:
    result = subprocess.run([javap, "-public", "-cp", str(classpath), class_name],
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise CheckFailure(f"javap could not read {class_name}: {result.stderr.strip() or result.stdout.strip()}")
    return result.stdout


def declares_public_method(javap: str, classpath: Path, names: List[str], class_name: str, method: str) -> str:
    """The class (walking up superclasses present in the same code) that declares public `method`; raises if none."""
    current: Optional[str] = class_name
    seen = []
    while current:
        if current.replace(".", "/") + ".class" not in names:
            break
        seen.append(current)
        output = javap_class(javap, classpath, current)
        if re.search(rf"^\s*public\b[^(]*\b{re.escape(method)}\(", output, re.M):
            return current
        parent = re.search(r"\bclass\s+\S+\s+extends\s+([\w.$]+)", output)
        current = parent.group(1) if parent else None
    raise CheckFailure(f"no public {method}(...) declared in {' or '.join(seen) or class_name}")


def module_hint(code_uri: str) -> Optional[str]:
    match = re.match(r"(?:\.\./)+([a-z0-9-]+)/target/", code_uri)
    return match.group(1) if match else None


def check_function(built_template: Path, logical_id: str, properties: dict, javap: str) -> str:
    handler = properties.get("Handler", "")
    if "::" in handler:
        class_name, method = handler.split("::", 1)
    else:
        class_name, method = handler, "handleRequest"
    code_uri = properties.get("CodeUri", properties.get("Code"))
    module = module_hint(code_uri) if isinstance(code_uri, str) else None
    if module and not (ROOT_DIR / module).is_dir():
        raise CheckFailure(f"module folder {module}/ does not exist (yet): no jar to deploy for {handler}")
    code = code_location(built_template, properties)
    if not code.exists():
        raise CheckFailure(f"{code} not found: build it first (./mvnw verify)")
    names, classpath = class_entries(code)
    class_file = class_name.replace(".", "/") + ".class"
    if class_file not in names:
        raise CheckFailure(f"{class_file} is not in {code}")
    declaring = declares_public_method(javap, classpath, names, class_name, method)
    where = "" if declaring == class_name else f" (declared in {declaring})"
    return f"{handler} found in {code.name}{where}{check_layers(built_template, properties, names)}"


def check_layers(built_template: Path, properties: dict, function_names: List[str]) -> str:
    """Each layer of the function is a local zip with java/lib/*.jar, and no class is both in the function's own
    code and in a layer (a package holds only what its function alone needs); returns a note naming the layers."""
    own_classes = {n for n in function_names if n.endswith(".class") and not n.startswith("META-INF/")}
    resources = load_template(built_template).get("Resources", {})
    notes = []
    for layer in properties.get("Layers", []):
        ref = layer.get("Ref") if isinstance(layer, dict) else None
        resource = resources.get(ref, {}) if ref else {}
        if resource.get("Type") != "AWS::Serverless::LayerVersion":
            raise CheckFailure(f"layer {layer!r} is not a Ref to an AWS::Serverless::LayerVersion of the template")
        content = resource["Properties"].get("ContentUri")
        if not isinstance(content, str):
            raise CheckFailure(f"layer {ref} ContentUri is {content!r}, not a local path")
        zip_path = (built_template.parent / content).resolve()
        if not zip_path.is_file():
            raise CheckFailure(f"layer {ref}: {zip_path} not found: build it first (./mvnw verify)")
        with zipfile.ZipFile(zip_path) as archive:
            jars = [n for n in archive.namelist() if n.startswith("java/lib/") and n.endswith(".jar")]
            if not jars:
                raise CheckFailure(f"layer {ref}: {zip_path.name} has no java/lib/*.jar")
            for jar in jars:
                with zipfile.ZipFile(io.BytesIO(archive.read(jar))) as library:
                    both = sorted(own_classes.intersection(library.namelist()))
                if both:
                    raise CheckFailure(f"{len(both)} classes are both in the function's code and in layer {ref}'s "
                                       f"{jar} (e.g. {both[0]}): exclude that artifact from the function's package")
        notes.append(f"{ref} ({len(jars)} jars in java/lib)")
    return f", layers: {', '.join(notes)}" if notes else ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("built_template", type=Path)
    parser.add_argument("--javap", default="javap")
    args = parser.parse_args()

    template = load_template(args.built_template)
    functions = [(i, r["Properties"]) for i, r in template.get("Resources", {}).items() if r.get("Type") in FUNCTION_TYPES]
    if not functions:
        print(f"FAIL  no functions in {args.built_template}")
        return 1
    failures = 0
    for logical_id, properties in functions:
        try:
            print(f"ok    {logical_id}: {check_function(args.built_template, logical_id, properties, args.javap)}")
        except (CheckFailure, zipfile.BadZipFile, OSError) as error:
            failures += 1
            print(f"FAIL  {logical_id}: {error}")
    print(f"handlers: {len(functions) - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
