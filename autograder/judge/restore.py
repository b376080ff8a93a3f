"""Put back the graded cells a student deleted, so a deleted cell is judged and never hides a failure.

nbgrader 0.9.6's OverwriteCells does this with `add_missing_cells`, but it inserts a missing cell after the master's
previous cell only if that cell is a solution or graded cell; when the previous cell is read-only (a public test)
it raises KeyError and the whole notebook goes ungraded. Here a missing cell goes after the nearest earlier cell of
the master that the submission still has, whatever its kind.
"""
from nbformat import NotebookNode
from nbgrader.preprocessors import OverwriteCells


class RestoreCells(OverwriteCells):
    """OverwriteCells whose `add_missing_cells` places a deleted graded cell after its nearest surviving predecessor."""

    def add_missing_grade_cells(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        master = self.gradebook.find_notebook(self.notebook_id, self.assignment_id)
        order = [cell.name for cell in master.source_cells]
        graded = {cell.name: cell for cell in master.grade_cells}
        solutions = {cell.name for cell in master.solution_cells}
        for k, name in enumerate(order):
            present = {c.metadata["nbgrader"]["grade_id"]: i for i, c in enumerate(nb.cells)
                       if "grade_id" in c.metadata.get("nbgrader", {})}
            if name not in graded or name in present:
                continue
            self.log.warning("Missing grade cell %s encountered, adding to notebook", name)
            before = next((present[p] for p in reversed(order[:k]) if p in present), -1)
            cell = self.missing_cell_transform(master.source_cells[k], graded[name].max_score,
                                               is_solution=name in solutions)
            nb.cells.insert(before + 1, cell)
        return nb, resources
