from rest_framework.pagination import CursorPagination


class Pagination(CursorPagination):
    """Cursor pagination, newest first; `page_size` up to 200."""

    ordering = "-pk"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
