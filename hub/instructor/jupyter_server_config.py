"""An instructor's JupyterLab: the Formgrader on the course root, and the students' tabs to try things."""
c = get_config()  # noqa: F821
c.ServerApp.jpserver_extensions = {
    "jupyterlab": True,
    "nbgrader.server_extensions.formgrader": True,
    "nbgrader.server_extensions.assignment_list": True,
    "nbgrader.server_extensions.course_list": True,
    "nbgrader.server_extensions.validate_assignment": True,
}
