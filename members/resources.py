"""Import and export of organizations for the secretariat (django-import-export).

An import runs in one transaction: when any row is bad the whole file is refused, and the
dry-run preview lists each bad row with its line number and what is wrong.
"""

from import_export import fields, resources, widgets

from members.models import ORGANIZATION_FIELDS, Organization


class CountryWidget(widgets.CharWidget):
    """Countries travel as ISO codes ("KR"); blank means an international organization."""

    def clean(self, value, row=None, **kwargs):
        return (super().clean(value, row, **kwargs) or "").strip().upper()

    def render(self, value, obj=None, **kwargs):
        return getattr(value, "code", value) or ""


class OrganizationResource(resources.ModelResource):
    country = fields.Field(attribute="country", column_name="country", widget=CountryWidget())

    class Meta:
        model = Organization
        import_id_fields = ["slug"]
        # Every field staff edit but the logo, which a CSV file cannot carry.
        fields = [name for name in ORGANIZATION_FIELDS if name != "logo"]
        export_order = fields
        use_transactions = True
        # Run each row through the model's validation (choices, dates, constraints), so that a
        # bad row is reported with the field at fault instead of failing at the database.
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
