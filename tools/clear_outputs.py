"""Strip outputs and execution counts from notebooks, in place (the repo holds none)."""

import json
import sys


def clear(path: str) -> bool:
    with open(path, encoding="utf-8") as f:
        nb = json.load(f)
    changed = False
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code" and (cell.get("outputs") or cell.get("execution_count")):
            cell["outputs"], cell["execution_count"] = [], None
            changed = True
        if cell.get("metadata", {}).pop("execution", None) is not None:
            changed = True
    if changed:
        with open(path, "w", encoding="utf-8") as f:
            json.dump(nb, f, indent=1, ensure_ascii=False)
            f.write("\n")
    return changed


if __name__ == "__main__":
    for p in sys.argv[1:]:
        if clear(p):
            print(f"cleared {p}")
