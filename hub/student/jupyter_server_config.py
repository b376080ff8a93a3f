"""A student's JupyterLab: nbgrader's Assignments tab and validation, never the Formgrader."""
c = get_config()  # noqa: F821
c.ServerApp.jpserver_extensions = {
    "jupyterlab": True,
    "nbgrader.server_extensions.formgrader": False,
    "nbgrader.server_extensions.assignment_list": True,
    "nbgrader.server_extensions.course_list": True,
    "nbgrader.server_extensions.validate_assignment": True,
}
