//! Roles of staff accounts and what each may see. The public has no account.

use crate::enterprise::code_enum;

code_enum! {
    Role {
        Admin => ("admin", "系统管理员"),
        BureauStaff => ("bureau_staff", "区人社局工作人员"),
        TownshipClerk => ("township_clerk", "乡镇人社服务窗口"),
        EnterpriseHr => ("enterprise_hr", "企业人事专员"),
        Leader => ("leader", "分管领导（查阅、审批补贴）"),
    }
}

impl Role {
    /// May create and edit registry records (within its scope).
    pub fn can_edit_registry(self) -> bool {
        matches!(self, Role::Admin | Role::BureauStaff | Role::TownshipClerk)
    }
    /// May edit an enterprise record in scope (enterprise HR: its own).
    pub fn can_edit_enterprise(self) -> bool {
        self.can_edit_registry() || self == Role::EnterpriseHr
    }
    /// May see the person registry at all.
    pub fn can_read_persons(self) -> bool {
        matches!(self, Role::Admin | Role::BureauStaff | Role::TownshipClerk | Role::Leader)
    }
    /// May reveal a full ID number or phone (audited, with a reason).
    pub fn can_reveal(self) -> bool {
        matches!(self, Role::Admin | Role::BureauStaff | Role::TownshipClerk)
    }
    pub fn can_import(self) -> bool {
        self.can_edit_registry()
    }
    pub fn can_export(self) -> bool {
        matches!(self, Role::Admin | Role::BureauStaff | Role::TownshipClerk)
    }
    pub fn is_admin(self) -> bool {
        self == Role::Admin
    }
}
