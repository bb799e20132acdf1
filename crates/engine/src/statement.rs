//! Dispatch of one parsed statement to its handler. Statements that change nothing in the
//! schema (DML, queries) are checked against it; anything not modelled yields a located
//! warning instead of being silently ignored.

use crate::ddl;
use crate::dml;
use crate::error::PgResult;
use crate::session::Ctx;
use pg_query::NodeEnum;

pub fn execute(ctx: &mut Ctx<'_>, node: &NodeEnum) -> PgResult<()> {
    crate::rows::before_statement(ctx, node);
    match node {
        NodeEnum::CreateStmt(s) => ddl::table::create_table(ctx, s),
        NodeEnum::AlterTableStmt(s) => ddl::alter::alter_table(ctx, s),
        NodeEnum::IndexStmt(s) => ddl::index::create_index(ctx, s),
        NodeEnum::VacuumStmt(s) => dml::vacuum_columns(ctx, s),
        NodeEnum::ReindexStmt(s) => ddl::index::reindex(ctx, s),
        NodeEnum::DropStmt(s) => ddl::drop::drop_stmt(ctx, s),
        NodeEnum::RenameStmt(s) => ddl::rename::rename(ctx, s),
        NodeEnum::CreateSchemaStmt(s) => {
            let created = ddl::misc::create_schema(ctx, s)?;
            if let Some(schema) = created {
                // Schema elements are created inside the new schema.
                let saved = ctx.search_path.clone();
                *ctx.search_path = vec![schema];
                let result = s.schema_elts.iter().filter_map(|e| e.node.as_ref()).try_for_each(|e| execute(ctx, e));
                *ctx.search_path = saved;
                result?;
            }
            Ok(())
        }
        NodeEnum::CreateExtensionStmt(s) => ddl::misc::create_extension(ctx, s),
        NodeEnum::CreateRoleStmt(s) => ddl::misc::create_role(ctx, s),
        NodeEnum::VariableSetStmt(s) if s.name == "role" => {
            ddl::misc::set_role(ctx, s)?;
            ddl::misc::set_variable(ctx, s)
        }
        NodeEnum::VariableSetStmt(s) => ddl::misc::set_variable(ctx, s),
        NodeEnum::GrantRoleStmt(s) => ddl::misc::grant_role(ctx, s),
        NodeEnum::AlterRoleStmt(s) => ddl::misc::alter_role(ctx, s),
        NodeEnum::AlterRoleSetStmt(s) => ddl::misc::alter_role_set(ctx, s),
        NodeEnum::DropRoleStmt(s) => ddl::misc::drop_role(ctx, s),
        NodeEnum::CommentStmt(s) => ddl::misc::comment(ctx, s),
        NodeEnum::GrantStmt(s) => ddl::misc::grant(ctx, s),
        NodeEnum::CreateEnumStmt(s) => ddl::types::create_enum(ctx, s),
        NodeEnum::AlterEnumStmt(s) => ddl::types::alter_enum(ctx, s),
        NodeEnum::CompositeTypeStmt(s) => ddl::types::create_composite(ctx, s),
        NodeEnum::CreateRangeStmt(s) => ddl::types::create_range(ctx, s),
        NodeEnum::CreateDomainStmt(s) => ddl::types::create_domain(ctx, s),
        NodeEnum::CreateFunctionStmt(s) => ddl::function::create_function(ctx, s),
        NodeEnum::CreateTrigStmt(s) => ddl::function::create_trigger(ctx, s),
        NodeEnum::ViewStmt(s) => ddl::view::create_view(ctx, s),
        NodeEnum::CreateTableAsStmt(s) => ddl::view::create_table_as(ctx, s),
        NodeEnum::CreatePolicyStmt(s) => ddl::policy::create_policy(ctx, s),
        NodeEnum::AlterPolicyStmt(s) => ddl::policy::alter_policy(ctx, s),
        NodeEnum::CreateStatsStmt(s) => ddl::statistics::create_statistics(ctx, s),
        NodeEnum::CreateSeqStmt(s) => ddl::sequence::create_sequence(ctx, s),
        NodeEnum::AlterSeqStmt(s) => ddl::sequence::alter_sequence(ctx, s),
        NodeEnum::DoStmt(s) => dml::do_block(ctx, s),
        NodeEnum::CallStmt(s) => dml::call(ctx, s),
        // SELECT ... INTO is CREATE TABLE AS.
        NodeEnum::SelectStmt(s) if ddl::view::select_into_clause(s).is_some() => ddl::view::select_into(ctx, s),
        NodeEnum::SelectStmt(_) => {
            ddl::view::check_misplaced_into(&pg_query::protobuf::Node { node: Some(node.clone()) })?;
            dml::check(ctx, node)
        }
        // The names in a migration's DML resolve as in an application's ([`crate::app_query`]).
        NodeEnum::InsertStmt(_) | NodeEnum::UpdateStmt(_) | NodeEnum::DeleteStmt(_) => {
            dml::check(ctx, node)?;
            crate::app_query::dml_names(&ctx.catalog, &ctx.search_path_schemas(), node)
        }
        NodeEnum::AlterOwnerStmt(_)
        | NodeEnum::AlterDefaultPrivilegesStmt(_)
        | NodeEnum::AlterStatsStmt(_)
        | NodeEnum::LockStmt(_)
        | NodeEnum::RefreshMatViewStmt(_)
        | NodeEnum::NotifyStmt(_)
        | NodeEnum::TruncateStmt(_)
        | NodeEnum::CheckPointStmt(_)
        | NodeEnum::DiscardStmt(_)
        | NodeEnum::ExplainStmt(_) => Ok(()),
        NodeEnum::CopyStmt(s) => dml::copy_columns(ctx, s),
        other => {
            // An aggregate is a function the catalog does not hold: remember its name so that
            // calls to it are not judged.
            if let NodeEnum::DefineStmt(d) = &other {
                if d.kind() == pg_query::protobuf::ObjectType::ObjectAggregate {
                    if let Some(name) = crate::types::name_list(&d.defnames).pop() {
                        ctx.catalog.unmodelled_functions.insert(name);
                    }
                }
            }
            let name = format!("{other:?}");
            let kind = name.split(['(', ' ']).next().unwrap_or("statement").to_string();
            ctx.not_simulated(format!("{kind}: effects of this statement are not simulated"));
            Ok(())
        }
    }
}
