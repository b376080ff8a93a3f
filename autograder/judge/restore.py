"""Put back the graded cells a student deleted, so a deleted cell is judged and never hides a failure.

nbgrader 0.9.6's OverwriteCells does this with `add_missing_cells`, but it inserts a missing cell after the master's
previous cell only if that cell is a solution or graded cell; when the previous cell is read-only (a public test,
the cell that runs the student's code before the written answers) it raises KeyError and the whole notebook goes
ungraded. Here a missing cell goes after the nearest earlier cell of the master that the submission still has,
whatever its kind.

A deleted answer graded by hand (a written answer: a solution and grade cell) goes back as released, under nbgrader's
notice that it was missing: an answer not given. nbgrader scores an answer cell whose checksum is unchanged 0 with
the comment "No response.", and needs no grade by hand for it (SaveAutoGrades); the notice changes the source, so
the restored cell's checksum is recomputed, as ComputeChecksums would, and the deleted answer scores 0 like a blank
one instead of waiting for a grade by hand. An instructor can still grade it in the formgrader.
"""
from nbformat import NotebookNode, from_dict
from nbformat.v4.nbbase import random_cell_id
from nbgrader import utils
from nbgrader.preprocessors import OverwriteCells


class RestoreCells(OverwriteCells):
    """OverwriteCells whose `add_missing_cells` places a deleted graded cell after its nearest surviving predecessor,
    and gives a deleted written answer the score of a blank one (0, "No response.")."""

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
            cell = from_dict(self.missing_cell_transform(master.source_cells[k], graded[name].max_score,
                                                         is_solution=name in solutions))
            if utils.is_solution(cell):  # an answer graded by hand: unanswered, as released
                cell.metadata.nbgrader["checksum"] = utils.compute_checksum(cell)
            if (nb.nbformat, nb.nbformat_minor) >= (4, 5):  # cells have ids since nbformat 4.5; nbgrader adds none
                cell.id = random_cell_id()
            nb.cells.insert(before + 1, cell)
        return nb, resources
