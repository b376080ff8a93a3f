"""nbgrader settings that grade student code safely; nbgrader_config.py loads this file with one line:

    load_subconfig("secure_config.py", path=os.path.dirname(os.path.abspath(__file__)))

Autograde executes each notebook with judge.execute.SecureExecute: student cells run in the bubblewrap sandbox
(kernelspec kernels/llm-grader, ipc sockets because the sandbox has no network), and every graded cell is
judged outside it by the hidden tests in hidden/<assignment>.py, from plain data. Submissions enter as regular
files only (judge.files). See SECURITY.md.
"""
import os
import sys

c = get_config()  # noqa: F821 (injected by traitlets)

_here = os.path.dirname(os.path.abspath(__file__))
if _here not in sys.path:
    sys.path.insert(0, _here)

# nbgrader 0.9.6's default list with Execute replaced by SecureExecute. Import paths, not classes: this
# file must never fail to load (traitlets would log the error and nbgrader would grade with its defaults,
# unsandboxed); a broken judge package instead makes every autograde fail loudly.
c.Autograde.autograde_preprocessors = [
    "judge.execute.SecureExecute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]
# The sandbox kernel, whatever kernelspec the student's notebook names; it has no network, so the
# kernel and nbgrader talk over Unix sockets in a private folder made per kernel.
c.SecureExecute.kernel_name = "llm-grader"
c.KernelManager.transport = "ipc"
# A cell that runs too long is interrupted (the kernelspec's interrupt_mode is "message": bubblewrap does
# not forward signals); a kernel that does not start in a minute is an error, not a hang.
c.SecureExecute.interrupt_on_timeout = True
c.SecureExecute.startup_timeout = 60
# nbclient waits 4 s for a cell's outputs after its reply, then fails the whole notebook; on a loaded
# machine that happens to honest students. Wait longer (a late output is then an error in that cell only).
c.SecureExecute.iopub_timeout = 15
c.SecureExecute.validate_cells = True
# A graded cell the student deleted is put back (and judged), so deleting one never hides a failure. nbgrader's
# own OverwriteCells fails the notebook when the cell before the deleted one is read-only: judge.restore fixes that.
c.Autograde.sanitize_preprocessors = [
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.DeduplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "judge.restore.RestoreCells",
    "nbgrader.preprocessors.CheckCellMetadata",
]
c.OverwriteCells.add_missing_cells = True
# Before nbgrader copies a submission: anything in it that is not a regular file of a sane size (a symlink,
# a hard link, a device, a FIFO, a huge file) is moved out to refused/ and reported; nothing is followed.
c.Autograde.pre_convert_hook = "judge.files.autograde_hook"
# collect: regular files only (a RegularFilesCollect), dated by what the exchange saw, not by the student
c.ExchangeFactory.collect = "grading.exchange.TrustedTimeCollect"
c.ZipCollectApp.extractor_plugin = "judge.files.RegularFilesExtractor"
