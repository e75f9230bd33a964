"""Import and export of organizations for the secretariat (django-import-export).

An import runs in one transaction: when any row is bad the whole file is refused, and the
dry-run preview lists each bad row with its line number and what is wrong.
"""

from import_export import fields, resources, widgets

from members.models import Organization


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
        fields = [
            "slug",
            "name",
            "local_name",
            "acronym",
            "country",
            "kind",
            "website",
            "description_en",
            "description_ko",
            "description_ja",
            "member_since",
            "founding_member",
            "status",
            "left_on",
            "listing",
            "contact_name",
            "contact_email",
            "contact_phone",
            "private_notes",
        ]
        export_order = fields
        use_transactions = True
        # Run each row through the model's validation (choices, dates, constraints), so that a
        # bad row is reported with the field at fault instead of failing at the database.
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
