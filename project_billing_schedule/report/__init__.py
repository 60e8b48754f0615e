from . import project_invoice_annex_xlsx
